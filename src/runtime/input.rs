//! Byte-level input: transparent gzip, caps on total size and line length, and a
//! line loop that hands out borrowed lines without copying the common case.

use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::MultiGzDecoder;

/// Bounds on what one input may cost. Exceeding them truncates the input with a
/// warning; it never fails the whole read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Decompressed bytes read from one input. Also bounds gzip bombs, since
    /// decompression is streamed and stops here.
    pub max_bytes: u64,
    /// Longest line kept; longer lines are skipped (and counted) whole.
    pub max_line: usize,
}

impl Default for Limits {
    /// 1 GiB covers the largest SIGQUIT dumps seen (157 MB for 154k goroutines)
    /// with room to spare; 64 KiB is far above any real traceback line.
    fn default() -> Self {
        Limits { max_bytes: 1 << 30, max_line: 64 << 10 }
    }
}

const BUFFER: usize = 256 << 10;
pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Wraps `reader` so that gzip input (by magic number, not by name) is inflated
/// on the fly.
pub(crate) fn decoded<'a, R: Read + 'a>(mut reader: R) -> io::Result<Box<dyn BufRead + 'a>> {
    // Read the magic by hand: a pipe or socket may deliver a single byte first.
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let gzipped = got == 2 && head == GZIP_MAGIC;
    let joined = io::Cursor::new(head).take(got as u64).chain(reader);
    let buffered = BufReader::with_capacity(BUFFER, joined);
    if gzipped {
        Ok(Box::new(BufReader::with_capacity(BUFFER, MultiGzDecoder::new(buffered))))
    } else {
        Ok(Box::new(buffered))
    }
}

/// What the line loop saw, for warnings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineStats {
    pub bytes: u64,
    pub lines: u64,
    pub long_lines: u64,
    /// The byte cap stopped reading before the end.
    pub capped: bool,
}

/// Outcome of a line loop: the stats, plus the I/O error that ended it early,
/// if any (a truncated gzip stream, a reset connection). Lines before the error
/// were delivered.
pub(crate) struct LineEnd {
    pub stats: LineStats,
    pub error: Option<io::Error>,
}

/// Calls `on_line` for every line (without `\n` or `\r\n`). Lines longer than
/// `limits.max_line` are skipped and counted; reading stops at `limits.max_bytes`.
pub(crate) fn for_each_line<R: BufRead + ?Sized>(
    reader: &mut R,
    limits: Limits,
    mut on_line: impl FnMut(&[u8]),
) -> LineEnd {
    let mut stats = LineStats::default();
    // Holds a line split across two buffer fills; `overlong` marks one being skipped.
    let mut carry: Vec<u8> = Vec::new();
    let mut overlong = false;
    let mut emit = |line: &[u8], stats: &mut LineStats| {
        stats.lines += 1;
        on_line(line.strip_suffix(b"\r").unwrap_or(line));
    };
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return LineEnd { stats, error: Some(error) },
        };
        if buf.is_empty() {
            break;
        }
        let room = limits.max_bytes - stats.bytes;
        let usable = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let chunk = &buf[..usable];
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', chunk) {
            let piece = &chunk[start..end];
            if overlong {
                overlong = false;
            } else if carry.is_empty() {
                if piece.len() > limits.max_line {
                    stats.long_lines += 1;
                } else {
                    emit(piece, &mut stats);
                }
            } else if carry.len() + piece.len() > limits.max_line {
                stats.long_lines += 1;
                carry.clear();
            } else {
                carry.extend_from_slice(piece);
                emit(&carry, &mut stats);
                carry.clear();
            }
            start = end + 1;
        }
        let rest = &chunk[start..];
        if !overlong {
            if carry.len() + rest.len() > limits.max_line {
                stats.long_lines += 1;
                carry.clear();
                overlong = true;
            } else {
                carry.extend_from_slice(rest);
            }
        }
        stats.bytes += usable as u64;
        reader.consume(usable);
        if stats.bytes >= limits.max_bytes {
            stats.capped = reader.fill_buf().map(|b| !b.is_empty()).unwrap_or(false);
            break;
        }
    }
    // A line the cap cut in two is not a line of the input.
    if !carry.is_empty() && !overlong && !stats.capped {
        emit(&carry, &mut stats);
    }
    LineEnd { stats, error: None }
}

/// A read error in words that say what it means for a dump: the decoders'
/// messages ("incomplete deflate stream", "corrupt deflate stream") do not.
pub(crate) fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    if text.contains("deflate") || text.contains("gzip") || e.kind() == io::ErrorKind::UnexpectedEof {
        format!("the gzip data is truncated or corrupt ({text}); copy or download it again")
    } else {
        text
    }
}

/// Reads up to `n` bytes (fewer only at the end of the input), however few
/// each read returns.
pub(crate) fn read_prefix<R: Read + ?Sized>(reader: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// Reads everything up to `limits.max_bytes` (for formats that need the whole
/// input, i.e. protobuf). Returns the bytes and whether the cap cut them.
pub(crate) fn read_capped<R: Read + ?Sized>(reader: &mut R, limits: Limits) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    reader.take(limits.max_bytes).read_to_end(&mut bytes)?;
    let mut probe = [0u8; 1];
    let capped = bytes.len() as u64 == limits.max_bytes && reader.read(&mut probe)? > 0;
    Ok((bytes, capped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limits: Limits) -> (Vec<String>, LineStats) {
        let mut out = Vec::new();
        let mut reader = BufReader::with_capacity(8, input);
        let end = for_each_line(&mut reader, limits, |l| out.push(String::from_utf8_lossy(l).into_owned()));
        assert!(end.error.is_none());
        (out, end.stats)
    }

    #[test]
    fn splits_lines_across_small_buffers_and_strips_cr() {
        let limits = Limits { max_bytes: 1 << 20, max_line: 64 };
        let (got, stats) = lines(b"first line\r\nsecond, longer line\nlast", limits);
        assert_eq!(got, ["first line", "second, longer line", "last"]);
        assert_eq!(stats.lines, 3);
    }

    #[test]
    fn skips_overlong_lines_whole() {
        let limits = Limits { max_bytes: 1 << 20, max_line: 10 };
        let long = "x".repeat(100);
        let (got, stats) = lines(format!("ok\n{long}\nfine\n{long}").as_bytes(), limits);
        assert_eq!(got, ["ok", "fine"]);
        assert_eq!(stats.long_lines, 2);
    }

    #[test]
    fn stops_at_the_byte_cap() {
        let limits = Limits { max_bytes: 12, max_line: 64 };
        let (got, stats) = lines(b"aaaa\nbbbb\ncccc\ndddd\n", limits);
        assert_eq!(got, ["aaaa", "bbbb"], "the line the cap cuts is not handed out");
        assert!(stats.capped);
    }

    #[test]
    fn inflates_gzip_by_magic() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(b"goroutine 1 [running]:\n").unwrap();
        let gz = enc.finish().unwrap();
        let mut text = String::new();
        decoded(&gz[..]).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "goroutine 1 [running]:\n");
    }
}
