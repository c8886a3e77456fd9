//! Terminal output: formats and colour (on a terminal unless NO_COLOR is set).

use std::io::IsTerminal;

use crate::analysis::Severity;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug)]
pub struct Style {
    colour: bool,
}

impl Style {
    pub fn for_stdout() -> Self {
        Style { colour: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() }
    }

    pub fn plain() -> Self {
        Style { colour: false }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn severity(self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "2",
        };
        self.paint(code, text)
    }
}

/// Line and column lookups in one file's text for printing its findings: the
/// line starts are found once, so each lookup is a binary search rather than a
/// scan of everything before it.
pub struct SourceLines<'a> {
    source: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> SourceLines<'a> {
    pub fn new(source: &'a str) -> Self {
        let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1)).collect();
        SourceLines { source, starts }
    }

    pub fn source(&self) -> &'a str {
        self.source
    }

    /// The 0-based line holding `offset` and the byte range of that line, without its newline.
    pub fn line(&self, offset: usize) -> (usize, std::ops::Range<usize>) {
        let offset = offset.min(self.source.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let end = self.starts.get(line + 1).map_or(self.source.len(), |next| next - 1);
        (line, self.starts[line]..end)
    }

    /// 1-based line and 1-based byte column, as go vet prints them.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, range) = self.line(offset);
        (line + 1, offset.min(self.source.len()) - range.start + 1)
    }

    /// 1-based line and 1-based column in Unicode code points.
    pub fn line_char(&self, offset: usize) -> (usize, usize) {
        let (line, range) = self.line(offset);
        let offset = offset.min(self.source.len());
        (line + 1, self.source[range.start..offset].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::SourceLines;

    #[test]
    fn lines_and_columns() {
        let lines = SourceLines::new("ab\n\nµx\n");
        assert_eq!(lines.line_col(0), (1, 1));
        assert_eq!(lines.line_col(2), (1, 3));
        assert_eq!(lines.line_col(3), (2, 1));
        assert_eq!(lines.line_col(6), (3, 3));
        assert_eq!(lines.line_char(6), (3, 2));
        assert_eq!(lines.line(4), (2, 4..7));
        assert_eq!(lines.line_col(99), (4, 1));
    }
}
