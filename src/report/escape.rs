//! The one place values from a topology or a certificate (names, DNs, paths, messages) are made
//! inert for an output format. Every renderer escapes through these functions.

/// HTML element content and quoted attribute values (also Graphviz HTML-like labels).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Markdown prose and table cells: HTML special characters become entities, Markdown
/// punctuation (including `|` and the backtick) is backslash-escaped, line breaks become
/// spaces, so a value never becomes markup, a code span, a table column or a new line.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out
}

/// A Mermaid label inside double quotes: quotes, angle brackets, `&`, `#`, `|` and the
/// backtick become Mermaid entity codes (`#quot;`, `#60;`...), line breaks become spaces.
pub fn mermaid(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' | '<' | '>' | '&' | '|' | '`' | '[' | ']' | '{' | '}' => {
                out.push_str(&format!("#{};", u32::from(c)));
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML 1.0 (JUnit): characters XML cannot carry become U+FFFD; the writer escapes
/// markup characters itself.
pub fn xml(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Text for a terminal: control characters (escape sequences, carriage returns, line breaks
/// inside a value) are shown as `\u{..}` so a value cannot move the cursor, recolour the
/// screen or start a line that looks like output.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a<b>|`c`\nd&\"e\u{1b}[31m#x";

    #[test]
    fn html_is_inert() {
        let h = html(HOSTILE);
        for bad in ["<", ">", "\n", "\"", "\u{1b}"] {
            assert!(!h.contains(bad), "{bad:?} in {h}");
        }
        assert_eq!(html("fe01.fabrikam.com — x"), "fe01.fabrikam.com — x");
    }

    #[test]
    fn markdown_is_inert() {
        let m = markdown(HOSTILE);
        assert!(!m.contains('\n') && !m.contains('<') && !m.contains('\u{1b}'));
        assert!(!m.replace("\\|", "").contains('|'), "{m}");
        assert!(!m.replace("\\`", "").contains('`'), "{m}");
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("*x* [l](u)"), "\\*x\\* \\[l\\](u)");
        assert_eq!(
            markdown("plain fe01.fabrikam.com"),
            "plain fe01.fabrikam.com"
        );
    }

    #[test]
    fn mermaid_is_inert() {
        let m = mermaid(HOSTILE);
        for bad in ["<", ">", "|", "`", "\n", "\""] {
            assert!(!m.contains(bad), "{bad:?} in {m}");
        }
        assert_eq!(mermaid("pool01.fabrikam.com"), "pool01.fabrikam.com");
    }

    #[test]
    fn xml_and_terminal_drop_control_characters() {
        assert!(!xml(HOSTILE).contains('\u{1b}'));
        assert!(xml("a\nb").contains('\n'));
        let t = terminal(HOSTILE);
        assert!(!t.contains('\u{1b}') && !t.contains('\n'));
        assert!(t.contains("\\u{1b}"));
        assert_eq!(terminal("CN=x, O=y"), "CN=x, O=y");
    }
}
