//! The rebuilt package's zip container, written by hand: the parts huizong inflates go straight
//! into it, stored, and the others are copied with their compressed bytes. It writes only what a
//! zip reader needs — local headers that carry sizes and CRC, the central directory and its end
//! record — and refuses (`None`) what it does not write: zip64 sizes, more than 65,535 parts.
//! It must not know what the parts mean.

/// A zip archive being written into memory.
#[derive(Default)]
pub(super) struct ZipOut {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
    /// A part did not fit: the archive cannot be finished.
    failed: bool,
}

/// A part begun with `ZipOut::begin`, whose data is being appended to `ZipOut::data`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Begun {
    header: usize,
    data: usize,
    method: u16,
    name_len: usize,
}

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
/// Version 2.0: deflate and stored parts.
const VERSION: u16 = 20;
/// General-purpose flag bit 11: the name is UTF-8.
const UTF8_NAME: u16 = 1 << 11;
pub(super) const STORED: u16 = 0;
pub(super) const DEFLATED: u16 = 8;

impl ZipOut {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        ZipOut {
            out: Vec::with_capacity(capacity),
            ..ZipOut::default()
        }
    }

    /// Bytes written so far, the part being written included.
    pub(super) fn len(&self) -> usize {
        self.out.len()
    }

    /// Starts a part named `name` whose data, compressed with `method`, the caller appends to
    /// `data()` before calling `end`.
    pub(super) fn begin(&mut self, name: &str, method: u16) -> Begun {
        let header = self.out.len();
        let o = &mut self.out;
        put32(o, LOCAL);
        put16(o, VERSION);
        put16(o, flags(name.as_bytes()));
        put16(o, method);
        put32(o, 0); // modification time and date
        put32(o, 0); // CRC, then the two sizes: filled in by `end`
        put32(o, 0);
        put32(o, 0);
        put16(o, u16::try_from(name.len()).unwrap_or(u16::MAX));
        put16(o, 0); // no extra field
        o.extend_from_slice(name.as_bytes());
        Begun {
            header,
            data: self.out.len(),
            method,
            name_len: name.len(),
        }
    }

    /// Where a begun part's data goes.
    pub(super) fn data(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }

    /// Takes back a begun part, as if it had never been started.
    pub(super) fn abandon(&mut self, part: Begun) {
        self.out.truncate(part.header);
    }

    /// Ends a part: `crc` and `size` are those of its uncompressed data.
    pub(super) fn end(&mut self, part: Begun, crc: u32, size: u64) {
        let compressed = (self.out.len() - part.data) as u64;
        let (Ok(compressed), Ok(size), Ok(offset), Ok(name_len)) = (
            u32::try_from(compressed),
            u32::try_from(size),
            u32::try_from(part.header),
            u16::try_from(part.name_len),
        ) else {
            self.failed = true;
            return;
        };
        if compressed == u32::MAX || size == u32::MAX || self.entries == u16::MAX {
            self.failed = true;
            return;
        }
        let at = part.header + 14;
        self.out[at..at + 4].copy_from_slice(&crc.to_le_bytes());
        self.out[at + 4..at + 8].copy_from_slice(&compressed.to_le_bytes());
        self.out[at + 8..at + 12].copy_from_slice(&size.to_le_bytes());
        let name = &self.out[part.data - part.name_len..part.data];
        let c = &mut self.central;
        put32(c, CENTRAL);
        put16(c, VERSION); // made by
        put16(c, VERSION); // needed
        put16(c, flags(name));
        put16(c, part.method);
        put32(c, 0);
        put32(c, crc);
        put32(c, compressed);
        put32(c, size);
        put16(c, name_len);
        put16(c, 0); // extra field
        put16(c, 0); // comment
        put16(c, 0); // disk
        put16(c, 0); // internal attributes
        put32(c, 0); // external attributes
        put32(c, offset);
        c.extend_from_slice(name);
        self.entries += 1;
    }

    /// Stores `data` uncompressed as a part named `name`.
    pub(super) fn store(&mut self, name: &str, data: &[u8]) {
        let part = self.begin(name, STORED);
        self.out.extend_from_slice(data);
        self.end(part, crc32fast::hash(data), data.len() as u64);
    }

    /// The finished archive; `None` when a part did not fit.
    pub(super) fn finish(mut self) -> Option<Vec<u8>> {
        let offset = u32::try_from(self.out.len()).ok()?;
        let size = u32::try_from(self.central.len()).ok()?;
        if self.failed || offset == u32::MAX {
            return None;
        }
        self.out.append(&mut self.central);
        let o = &mut self.out;
        put32(o, END);
        put16(o, 0); // this disk
        put16(o, 0); // the central directory's disk
        put16(o, self.entries);
        put16(o, self.entries);
        put32(o, size);
        put32(o, offset);
        put16(o, 0); // comment
        Some(self.out)
    }
}

fn flags(name: &[u8]) -> u16 {
    if name.is_ascii() { 0 } else { UTF8_NAME }
}

fn put16(out: &mut Vec<u8>, n: u16) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&n.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read, Write};

    /// What is written reads back through the zip crate (as calamine reads it): names, stored and
    /// copied deflated parts, their contents and CRCs.
    #[test]
    fn written_archives_read_back() {
        let text = "学习记录".repeat(500);
        let mut deflated = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut deflated));
            zip.start_file("a.xml", zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
            zip.finish().unwrap();
        }
        let mut source = zip::ZipArchive::new(Cursor::new(deflated.as_slice())).unwrap();
        let raw = source.by_index_raw(0).unwrap();
        let (method, crc, size) = (8, raw.crc32(), raw.size());
        assert_eq!(raw.compression(), zip::CompressionMethod::Deflated);
        let start = usize::try_from(raw.data_start().unwrap()).unwrap();
        let compressed = &deflated[start..start + usize::try_from(raw.compressed_size()).unwrap()];

        let mut out = ZipOut::with_capacity(0);
        out.store("xl/worksheets/sheet1.xml", b"<worksheet/>");
        let part = out.begin("xl/中文.xml", method);
        out.data().extend_from_slice(compressed);
        out.end(part, crc, size);
        let part = out.begin("dropped.xml", STORED);
        out.data().extend_from_slice(b"never");
        out.abandon(part);
        out.store("empty", b"");
        let bytes = out.finish().unwrap();

        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        assert_eq!(archive.len(), 3);
        let read = |archive: &mut zip::ZipArchive<_>, name: &str| {
            let mut s = String::new();
            archive
                .by_name(name)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        };
        assert_eq!(
            read(&mut archive, "xl/worksheets/sheet1.xml"),
            "<worksheet/>"
        );
        assert_eq!(read(&mut archive, "xl/中文.xml"), text);
        assert_eq!(read(&mut archive, "empty"), "");
        assert!(archive.by_name("dropped.xml").is_err());
    }

    /// A CRC that does not match is caught by the reader: the CRC written is the one checked.
    #[test]
    fn a_wrong_crc_is_caught() {
        let mut out = ZipOut::default();
        let part = out.begin("a", STORED);
        out.data().extend_from_slice(b"abc");
        out.end(part, crc32fast::hash(b"abd"), 3);
        let bytes = out.finish().unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut s = String::new();
        assert!(
            archive
                .by_name("a")
                .unwrap()
                .read_to_string(&mut s)
                .is_err()
        );
    }
}
