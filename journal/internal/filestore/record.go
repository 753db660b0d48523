package filestore

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// The log file: a header, then one record per entry, in index order:
//
//	length  uint32, big-endian: the entry's size in bytes (at most MaxEntrySize)
//	crc     uint32, big-endian: CRC-32C of the entry's index (uint64,
//	        big-endian) followed by the entry
//	entry   length bytes
//
// The checksum finds a torn or damaged record, and, holding the index, a
// record moved to another place. It is no defence against a deliberate
// change (the tree and the signed checkpoint are).
const (
	logHeader = "csam-journal-log 1\n"
	// HeaderSize is the offset of the first record.
	HeaderSize = int64(len(logHeader))
	// MaxEntrySize is the largest entry a record (and a tlog-tiles entry
	// bundle) holds.
	MaxEntrySize = 1<<16 - 1
	recordHead   = 8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func recordSum(index uint64, data []byte) uint32 {
	var ib [8]byte
	binary.BigEndian.PutUint64(ib[:], index)
	return crc32.Update(crc32.Update(0, castagnoli, ib[:]), castagnoli, data)
}

// appendRecord appends the record of the entry at index to b.
func appendRecord(b []byte, index uint64, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = binary.BigEndian.AppendUint32(b, recordSum(index, data))
	return append(b, data...)
}

// RecordError is returned by RecordReader.Next for a record that is
// truncated, too large, or fails its checksum.
type RecordError struct {
	// Index is the index of the entry the record should hold; Offset is
	// the record's offset in the file.
	Index  uint64
	Offset int64
	Reason string
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("filestore: log record %d at offset %d: %s", e.Index, e.Offset, e.Reason)
}

// ErrNotLog is returned by NewRecordReader for a file that does not start
// with the log header.
var ErrNotLog = errors.New("filestore: not a journal log file")

// RecordReader reads the records of a log file in order.
type RecordReader struct {
	r      *bufio.Reader
	index  uint64
	offset int64
	err    error
}

// NewRecordReader reads the log file r from its beginning, checking its
// header.
func NewRecordReader(r io.Reader) (*RecordReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	h := make([]byte, HeaderSize)
	if _, err := io.ReadFull(br, h); err != nil || string(h) != logHeader {
		return nil, ErrNotLog
	}
	return &RecordReader{r: br, offset: HeaderSize}, nil
}

// resumeReader reads records from r, positioned at offset, the record of
// the entry at index.
func resumeReader(r io.Reader, index uint64, offset int64) *RecordReader {
	return &RecordReader{r: bufio.NewReaderSize(r, 1<<16), index: index, offset: offset}
}

// Index returns the index of the entry the next record holds; Offset its
// offset in the file.
func (rr *RecordReader) Index() uint64 { return rr.index }

// Offset returns the offset of the next record.
func (rr *RecordReader) Offset() int64 { return rr.offset }

// Next returns the next entry. It returns io.EOF at the end of the file
// and a *RecordError for a bad record (then again at each call): the
// records from there on cannot be trusted to be where they should be.
func (rr *RecordReader) Next() ([]byte, error) {
	if rr.err != nil {
		return nil, rr.err
	}
	var head [recordHead]byte
	n, err := io.ReadFull(rr.r, head[:])
	switch {
	case n == 0 && err == io.EOF:
		return nil, io.EOF
	case err != nil:
		return nil, rr.fail("truncated record header")
	}
	size := binary.BigEndian.Uint32(head[:4])
	if size > MaxEntrySize {
		return nil, rr.fail(fmt.Sprintf("record length %d over %d", size, MaxEntrySize))
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(rr.r, data); err != nil {
		return nil, rr.fail("truncated record")
	}
	if binary.BigEndian.Uint32(head[4:]) != recordSum(rr.index, data) {
		return nil, rr.fail("checksum mismatch (record damaged, or not the entry of this index)")
	}
	rr.index++
	rr.offset += recordHead + int64(size)
	return data, nil
}

func (rr *RecordReader) fail(reason string) error {
	rr.err = &RecordError{Index: rr.index, Offset: rr.offset, Reason: reason}
	return rr.err
}
