//! Splitting a CSV text into records, one at a time, within the caps of `limits`: `csv_core`
//! parses into one buffer for the record's bytes and one for its fields' ends, each grown only up
//! to its cap. A record over a cap is parsed to its end, counted but not kept, so that its 错误
//! can say how large it is; memory stays bounded and time linear whatever the text. This module
//! knows nothing of rows as Excel numbers them or of cells (that is `csv`).

use super::limits::{MAX_CSV_FIELD_BYTES, MAX_CSV_FIELDS, MAX_CSV_RECORD_BYTES};
use csv_core::ReadRecordResult;

/// One record as the parser split it: its fields' bytes end to end, and where each field ends.
pub(super) struct Record<'r> {
    bytes: &'r [u8],
    ends: &'r [usize],
}

impl<'r> Record<'r> {
    /// How many fields it has, empty ones included.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn fields(&self) -> impl Iterator<Item = &'r [u8]> + '_ {
        let bytes = self.bytes;
        let mut from = 0;
        self.ends.iter().map(move |&end| {
            let field = bytes.get(from..end).unwrap_or_default();
            from = end;
            field
        })
    }
}

/// A cap of `limits` a record passed, with what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Over {
    Fields(usize),
    FieldBytes { column: usize, bytes: usize },
    RecordBytes(usize),
}

impl Over {
    /// The file's 错误, for the record at 0-based row `r`.
    pub(super) fn message(self, r: u32) -> String {
        let row = u64::from(r) + 1;
        let what = match self {
            Over::Fields(n) => format!(
                "第 {row} 行有 {n} 个字段，超过每行字段数上限 {MAX_CSV_FIELDS}（Excel 的最大列数）"
            ),
            Over::FieldBytes { column, bytes } => format!(
                "第 {row} 行 {} 列的内容有 {bytes} 字节，超过每个字段的上限 {MAX_CSV_FIELD_BYTES} 字节（1 MB）",
                crate::issue::column_letter(u32::try_from(column).unwrap_or(u32::MAX))
            ),
            Over::RecordBytes(n) => format!(
                "第 {row} 行的内容有 {n} 字节，超过每行的上限 {MAX_CSV_RECORD_BYTES} 字节（4 MB）"
            ),
        };
        format!("CSV {what}；这不是台账的内容，文件可能已损坏，未读取")
    }
}

/// What one record holds, counted as it is parsed, whether or not it fits the buffers.
#[derive(Default)]
struct Tally {
    fields: usize,
    bytes: usize,
    /// The widest field: its 0-based column and its bytes.
    widest: (usize, usize),
    /// Where the last field counted ends, within the record.
    last_end: usize,
}

impl Tally {
    /// Counts `nout` more bytes and the fields ending at `ends` (offsets within the record).
    fn add(&mut self, ends: &[usize], nout: usize) {
        self.bytes += nout;
        for &end in ends {
            let size = end.saturating_sub(self.last_end);
            if size > self.widest.1 {
                self.widest = (self.fields, size);
            }
            self.fields += 1;
            self.last_end = end;
        }
    }

    fn over(&self) -> Option<Over> {
        if self.fields > MAX_CSV_FIELDS {
            Some(Over::Fields(self.fields))
        } else if self.widest.1 > MAX_CSV_FIELD_BYTES {
            let (column, bytes) = self.widest;
            Some(Over::FieldBytes { column, bytes })
        } else if self.bytes > MAX_CSV_RECORD_BYTES {
            Some(Over::RecordBytes(self.bytes))
        } else {
            None
        }
    }
}

/// The records of a CSV text, one at a time, in buffers bounded by the caps.
pub(super) struct Records<'t> {
    core: csv_core::Reader,
    text: &'t [u8],
    pos: usize,
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl<'t> Records<'t> {
    pub(super) fn new(text: &'t [u8], delimiter: u8) -> Self {
        Records {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            text,
            pos: 0,
            out: vec![0; 64 * 1024],
            ends: vec![0; 256],
        }
    }

    /// The next record with the offset the parser started it at; `Err` for a record over a cap,
    /// read to its end so that its size can be told.
    pub(super) fn next(&mut self) -> Option<(usize, Result<Record<'_>, Over>)> {
        let start = self.pos;
        let mut tally = Tally::default();
        let (mut outlen, mut endlen) = (0, 0);
        loop {
            let input = &self.text[self.pos..];
            let (result, nin, nout, nend) =
                (self.core).read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            tally.add(&self.ends[endlen..endlen + nend], nout);
            self.pos += nin;
            outlen += nout;
            endlen += nend;
            match result {
                // Once the text is all given, the next call, with no input, ends the record (or
                // says End); a parser that asked for more still would loop here for ever.
                ReadRecordResult::InputEmpty if input.is_empty() => return None,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    outlen = make_room(&mut self.out, outlen, MAX_CSV_RECORD_BYTES + 1)
                }
                ReadRecordResult::OutputEndsFull => {
                    endlen = make_room(&mut self.ends, endlen, MAX_CSV_FIELDS + 1)
                }
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return None,
            }
        }
        let record = match tally.over() {
            Some(over) => Err(over),
            None => Ok(Record {
                bytes: &self.out[..outlen],
                ends: &self.ends[..endlen],
            }),
        };
        Some((start, record))
    }
}

/// Room in a full `buffer` holding `len` items: it doubles, up to `cap` items; a buffer already
/// at `cap` is written over from its start (its record is over a cap, and only counted from then
/// on). Returns where writing goes on.
fn make_room<T: Default + Clone>(buffer: &mut Vec<T>, len: usize, cap: usize) -> usize {
    if buffer.len() < cap {
        buffer.resize((buffer.len() * 2).clamp(1, cap), T::default());
        len
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However long a record, the reader's buffers stay within the caps.
    #[test]
    fn buffers_stay_within_the_caps() {
        let text = ",".repeat(3 * MAX_CSV_FIELDS) + &"a".repeat(2 * MAX_CSV_RECORD_BYTES);
        let mut records = Records::new(text.as_bytes(), b',');
        let (_, record) = records.next().unwrap();
        assert_eq!(record.err(), Some(Over::Fields(3 * MAX_CSV_FIELDS + 1)));
        assert!(records.out.len() <= MAX_CSV_RECORD_BYTES + 1);
        assert!(records.ends.len() <= MAX_CSV_FIELDS + 1);
        assert!(records.next().is_none());
    }

    proptest::proptest! {
        /// The bounded reader splits records as the `csv` crate's reader (which huizong used
        /// before) does.
        #[test]
        fn records_are_split_as_the_csv_crate_splits_them(
            text in "[a,\"\n\r 中;]{0,60}"
        ) {
            let mut expected = Vec::new();
            let mut reader = ::csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            for record in reader.byte_records() {
                let record = record.unwrap();
                expected.push(record.iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
            }
            let mut records = Records::new(text.as_bytes(), b',');
            let mut found = Vec::new();
            while let Some((_, record)) = records.next() {
                found.push(record.unwrap().fields().map(<[u8]>::to_vec).collect::<Vec<_>>());
            }
            proptest::prop_assert_eq!(found, expected);
        }
    }
}
