//! Scanning the plain XML of package parts by bytes: start tags by name, attributes, an element's
//! span, entity unescaping. The readers of workbook parts, relationships and merged regions share
//! these; it must not know what any part means.

/// The byte range of the first `<tag …>…</tag>` or `<tag …/>` element in `xml`.
pub(super) fn element_span(xml: &[u8], tag: &str) -> Option<std::ops::Range<usize>> {
    let open = format!("<{tag}");
    let mut from = 0;
    let start = loop {
        let at = from + memchr::memmem::find(&xml[from..], open.as_bytes())?;
        // `<fonts` must not match `<fontsX`.
        if matches!(
            xml.get(at + open.len()),
            Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n')
        ) {
            break at;
        }
        from = at + open.len();
    };
    let tag_end = start + memchr::memchr(b'>', &xml[start..])?;
    if xml[tag_end - 1] == b'/' {
        return Some(start..tag_end + 1);
    }
    let close = format!("</{tag}>");
    let end = tag_end + memchr::memmem::find(&xml[tag_end..], close.as_bytes())? + close.len();
    Some(start..end)
}

/// Every `<tag …/>` or `<tag …>` start tag in `xml` (without its `>`). Found by the `<` that opens
/// each element: a package's small parts are searched this way for every file, and a searcher
/// set up per call cost more than the search.
pub(super) fn tags<'a>(xml: &'a str, tag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let bytes = xml.as_bytes();
    memchr::memchr_iter(b'<', bytes).filter_map(move |at| {
        let name = at + 1;
        let after = name + tag.len();
        if bytes.get(name..after)? != tag.as_bytes() || bytes.get(after) != Some(&b' ') {
            return None;
        }
        let end = after + memchr::memchr(b'>', &bytes[after..])?;
        // `at` and `end` are ASCII bytes, so both are character boundaries.
        Some(&xml[at..end])
    })
}

/// An attribute's value in a start tag (` name="…"`): found by its `=`, as `tags` finds elements.
pub(super) fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let bytes = tag.as_bytes();
    memchr::memchr_iter(b'=', bytes).find_map(|eq| {
        let start = eq.checked_sub(name.len() + 1)?;
        let named = bytes[start] == b' ' && &bytes[start + 1..eq] == name.as_bytes();
        if !named || bytes.get(eq + 1) != Some(&b'"') {
            return None;
        }
        let value = eq + 2;
        let end = value + memchr::memchr(b'"', &bytes[value..])?;
        Some(&tag[value..end])
    })
}

pub(super) fn unescape(s: &str) -> String {
    // Five searchers set up for every sheet name of every file, when hardly any holds an entity.
    if memchr::memchr(b'&', s.as_bytes()).is_none() {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Start tags are found by their exact name, attributes by their exact name after a space,
    /// whatever the order, and a value may hold `=` or Chinese text.
    #[test]
    fn tags_and_attributes_are_found_by_exact_name() {
        let workbook = concat!(
            r#"<workbook><sheets><sheet name="学习 记录" sheetId="1" r:id="rId1"/>"#,
            r#"<sheetView/><sheet r:id="rId2" name="基本信息"/><sheet name="x"></sheets>"#,
            r#"<sheet name="unterminated"#,
        );
        let sheets: Vec<&str> = tags(workbook, "sheet").collect();
        assert_eq!(sheets.len(), 3, "{sheets:?}");
        assert_eq!(attr(sheets[0], "name"), Some("学习 记录"));
        assert_eq!(attr(sheets[0], "r:id"), Some("rId1"));
        assert_eq!(attr(sheets[0], "id"), None, "r:id is not id");
        assert_eq!(attr(sheets[1], "name"), Some("基本信息"));
        assert_eq!(attr(sheets[1], "r:id"), Some("rId2"));
        assert_eq!(attr(sheets[2], "r:id"), None);
        assert_eq!(
            tags(workbook, "sheets").count(),
            0,
            "<sheets> has no attributes"
        );

        let rel = r#"<Relationship Target="a.xml?v=1&amp;x=2" Id="rId9" Type="t"/>"#;
        let rel = tags(rel, "Relationship").next().unwrap();
        assert_eq!(attr(rel, "Target"), Some("a.xml?v=1&amp;x=2"));
        assert_eq!(attr(rel, "Id"), Some("rId9"));
        assert_eq!(attr(r#"<a Id="open"#, "Id"), None, "an unterminated value");
        assert_eq!(attr(r#"<a xId="1" Id="2""#, "Id"), Some("2"));
        assert_eq!(
            attr(r#"<a Id ="1""#, "Id"),
            None,
            "as before: no space before `=`"
        );
    }
}
