//! Go-quoted strings as the runtime prints them in labels (`"acme corp"`,
//! `"b\x1bit"`, `"\u1234"`): finding where one ends and unescaping it.

/// Length in bytes of the quoted string at the start of `s` (which must begin
/// with `"`), including both quotes; `None` when unterminated.
pub(crate) fn quoted_len(s: &[u8]) -> Option<usize> {
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Unescapes a Go double-quoted string literal (with its quotes). Malformed
/// escapes are kept literally; invalid UTF-8 from `\x` escapes becomes U+FFFD.
pub(crate) fn unquote(quoted: &[u8]) -> String {
    let inner = quoted.strip_prefix(b"\"").unwrap_or(quoted);
    let inner = inner.strip_suffix(b"\"").unwrap_or(inner);
    if !inner.contains(&b'\\') {
        return String::from_utf8_lossy(inner).into_owned();
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c != b'\\' || i + 1 >= inner.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let esc = inner[i + 1];
        let simple = match esc {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' => Some(b'\\'),
            b'"' => Some(b'"'),
            b'\'' => Some(b'\''),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            i += 2;
            continue;
        }
        let (digits, radix, is_char) = match esc {
            b'x' => (2, 16, false),
            b'u' => (4, 16, true),
            b'U' => (8, 16, true),
            b'0'..=b'7' => (3, 8, false),
            _ => (0, 0, false),
        };
        let start = if esc.is_ascii_digit() { i + 1 } else { i + 2 };
        let value = (digits > 0)
            .then(|| inner.get(start..start + digits))
            .flatten()
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, radix).ok());
        match value {
            Some(v) if is_char => {
                let ch = char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER);
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                i = start + digits;
            }
            Some(v) if v <= 0xff => {
                out.push(v as u8);
                i = start + digits;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_the_runtime_label_escapes() {
        assert_eq!(unquote(br#""acme corp""#), "acme corp");
        assert_eq!(unquote(br#""/orders/{sku}""#), "/orders/{sku}");
        assert_eq!(unquote(br#""b\x1bit""#), "b\u{1b}it");
        assert_eq!(unquote(br#""\u1234\u03a3""#), "\u{1234}\u{3a3}");
        assert_eq!(unquote(br#""fizz\tle""#), "fizz\tle");
        assert_eq!(unquote(br#""say \"hi\"""#), "say \"hi\"");
        assert_eq!(unquote(br#""bad \q escape""#), "bad \\q escape");
    }

    #[test]
    fn finds_the_closing_quote_past_escapes() {
        assert_eq!(quoted_len(br#""a\"b", rest"#), Some(6));
        assert_eq!(quoted_len(br#""unterminated"#), None);
    }
}
