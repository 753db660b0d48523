package eid

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// FileID is the two-byte identifier of an elementary file on the card (card
// content v5.4 §4.3).
type FileID uint16

// The files of the card (card content v5.4 §4.3). DF(BELPIC) 3F00/DF00 holds
// the PKCS#15 files and the certificates; DF(ID) 3F00/DF01 the identity
// files.
const (
	FileDir               FileID = 0x2F00 // EF(DIR), in the MF
	FileODF               FileID = 0x5031 // EF(ODF)
	FileTokenInfo         FileID = 0x5032 // EF(TokenInfo)
	FileAODF              FileID = 0x5034 // EF(AODF)
	FilePrKDF             FileID = 0x5035 // EF(PrKDF)
	FileCDF               FileID = 0x5037 // EF(CDF)
	FileAuthCert          FileID = 0x5038 // EF(Cert#2), authentication
	FileSigningCert       FileID = 0x5039 // EF(Cert#3), non-repudiation
	FileCACert            FileID = 0x503A // EF(Cert#4), Citizen or Foreigner CA
	FileRootCert          FileID = 0x503B // EF(Cert#6), Belgian root CA
	FileRRNCert           FileID = 0x503C // EF(Cert#8), National Register (RRN)
	FileIdentity          FileID = 0x4031 // EF(ID#RN), identity TLV
	FileIdentitySignature FileID = 0x4032 // EF(SGN#ID)
	FileAddress           FileID = 0x4033 // EF(ID#Address), address TLV
	FileAddressSignature  FileID = 0x4034 // EF(SGN#Address)
	FilePhoto             FileID = 0x4035 // EF(ID#Photo), JPEG
	FileBasicKey          FileID = 0x4040 // EF(PuK#1 Basic), applet 1.8 only
)

// DumpFiles lists the files of a card dump, in the order a full read takes
// them.
var DumpFiles = []FileID{
	FileIdentity, FileIdentitySignature, FileAddress, FileAddressSignature,
	FilePhoto, FileAuthCert, FileSigningCert, FileCACert, FileRootCert,
	FileRRNCert, FileBasicKey,
}

// String returns the four upper-case hex digits of the ID, e.g. "4031".
func (f FileID) String() string { return fmt.Sprintf("%04X", uint16(f)) }

// Name returns a short English name of a known file, or its ID.
func (f FileID) Name() string {
	switch f {
	case FileIdentity:
		return "identity"
	case FileIdentitySignature:
		return "identity signature"
	case FileAddress:
		return "address"
	case FileAddressSignature:
		return "address signature"
	case FilePhoto:
		return "photo"
	case FileBasicKey:
		return "basic public key"
	case FileAuthCert:
		return "authentication certificate"
	case FileSigningCert:
		return "signing certificate"
	case FileCACert:
		return "CA certificate"
	case FileRootCert:
		return "root certificate"
	case FileRRNCert:
		return "RRN certificate"
	case FileDir:
		return "EF(DIR)"
	case FileTokenInfo:
		return "TokenInfo"
	}
	return f.String()
}

// dirOf returns the DF holding the file (0 for the MF itself).
func (f FileID) dirOf() uint16 {
	switch {
	case f == FileDir:
		return 0
	case f&0xFF00 == 0x5000:
		return 0xDF00
	case f&0xFF00 == 0x4000:
		return 0xDF01
	}
	return 0
}

// path returns the absolute path from the MF: 3F00, the DF if any, the file.
func (f FileID) path() []uint16 {
	if d := f.dirOf(); d != 0 {
		return []uint16{0x3F00, d, uint16(f)}
	}
	return []uint16{0x3F00, uint16(f)}
}

// isCertificate reports whether the file holds a zero-padded DER
// certificate (card content v5.4 §8).
func (f FileID) isCertificate() bool { return f >= FileAuthCert && f <= FileRRNCert }

// Source gives the raw content of card files: a *Card reads them from the
// card, a *Dump from a folder. ReadFile returns an error matching
// ErrFileNotFound when the file does not exist.
type Source interface {
	ReadFile(ctx context.Context, id FileID) ([]byte, error)
}

// cardDataFile is the name, in a dump folder, of the optional file holding
// the raw GET CARD DATA response (28 or 31 bytes).
const cardDataFile = "carddata"

// Dump is a card dump folder: one file per card file, named by its
// four-hex-digit file ID (4031, 4032, 4033, 4034, 4035, 5038 … 503C, 4040),
// holding the raw bytes as read; optionally the GET CARD DATA response in a
// file named "carddata". The same parsing and integrity code reads a Dump
// as a card.
type Dump struct {
	dir string
}

// OpenDump opens a dump folder. It fails when dir is not a folder or holds
// no identity file (4031).
func OpenDump(dir string) (*Dump, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("eid: dump: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("eid: dump: %s is not a folder", dir)
	}
	d := &Dump{dir: dir}
	if _, err := d.find(FileIdentity.String()); err != nil {
		return nil, fmt.Errorf("eid: dump %s has no identity file %s: %w", dir, FileIdentity, ErrFileNotFound)
	}
	return d, nil
}

// find returns the path of the named file, accepting lower-case hex.
func (d *Dump) find(name string) (string, error) {
	for _, n := range []string{name, strings.ToLower(name)} {
		p := filepath.Join(d.dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", ErrFileNotFound
}

// ReadFile returns the content of the file named by id's four hex digits.
// A missing file gives an error matching ErrFileNotFound.
func (d *Dump) ReadFile(ctx context.Context, id FileID) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := d.find(id.String())
	if err != nil {
		return nil, fmt.Errorf("eid: dump: file %s: %w", id, ErrFileNotFound)
	}
	return readLimited(p, id.String())
}

// readLimited reads a dump file of at most maxFileSize bytes, the most a
// card file can hold (READ BINARY offsets are 15 bits): a larger file is
// not a card file, and is not read whole.
func readLimited(path, name string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eid: dump: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("eid: dump: %w", err)
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("eid: dump: file %s: %w: larger than %d bytes", name, ErrMalformed, maxFileSize)
	}
	return b, nil
}

// CardData returns the card data saved in the dump, or an error matching
// ErrFileNotFound when the dump has none.
func (d *Dump) CardData(ctx context.Context) (*CardData, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := d.find(cardDataFile)
	if err != nil {
		return nil, fmt.Errorf("eid: dump: %s: %w", cardDataFile, ErrFileNotFound)
	}
	b, err := readLimited(p, cardDataFile)
	if err != nil {
		return nil, err
	}
	return ParseCardData(b)
}

// cardDataSource is a source that also knows the card data.
type cardDataSource interface {
	CardData(ctx context.Context) (*CardData, error)
}

// WriteDump reads every file of DumpFiles from src and writes the dump
// folder dir, each file named by its ID; files the source does not have
// are skipped. When src knows the card data (a *Card or a *Dump), it is
// saved as "carddata". Files come as the source gives them: from a *Card,
// certificates are trimmed to their DER length (their zero padding is never
// read) and an absent certificate is an empty file.
//
// The dump holds personal data: the folder is made 0700 and the files 0600.
// It is written into a temporary folder beside dir, renamed to dir once
// complete, so that an interrupted dump never stands as a card's. dir must
// not exist, or be an empty folder.
func WriteDump(ctx context.Context, src Source, dir string) (err error) {
	dir = filepath.Clean(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".partial-")
	if err != nil {
		return fmt.Errorf("eid: dump: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o700); err != nil {
		return fmt.Errorf("eid: dump: %w", err)
	}
	write := func(name string, b []byte) error {
		f, err := os.OpenFile(filepath.Join(tmp, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("eid: dump: %w", err)
		}
		if _, err := f.Write(b); err != nil {
			f.Close()
			return fmt.Errorf("eid: dump: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("eid: dump: %w", err)
		}
		return f.Close()
	}
	for _, id := range DumpFiles {
		b, err := src.ReadFile(ctx, id)
		if errors.Is(err, ErrFileNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := write(id.String(), b); err != nil {
			return err
		}
	}
	if cs, ok := src.(cardDataSource); ok {
		cd, err := cs.CardData(ctx)
		switch {
		case err == nil:
			if err := write(cardDataFile, cd.Raw); err != nil {
				return err
			}
		case !errors.Is(err, ErrFileNotFound):
			return err
		}
	}
	// An empty folder in the way goes (os.Remove fails on a full one, and
	// then so does the rename).
	if st, err := os.Lstat(dir); err == nil && st.IsDir() {
		_ = os.Remove(dir)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("eid: dump: %w", err)
	}
	return nil
}
