package journal

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/csam-go/csam/journal/internal/filestore"
	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/client"
	"github.com/transparency-dev/tessera/storage/mysql"
	"golang.org/x/mod/sumdb/note"
	"k8s.io/klog/v2"
)

// maxConns bounds the connections Open and AuditLog keep to MySQL.
const maxConns = 16

func init() {
	// tessera logs through klog, to standard error by default: the
	// package is silent, as log/slog is by default.
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
}

// Options configure a Journal. Every zero value but Key is a documented
// default.
type Options struct {
	// Key is the checkpoint signing key, a signed-note Ed25519 private key
	// ("PRIVATE+KEY+name+..."; GenerateKey makes one). Its name is the
	// log's origin. Required.
	Key string
	// BatchMaxSize and BatchMaxAge bound a batch of entries written
	// together (in a folder, made durable by one fdatasync); zero means
	// 1024 entries and 20 milliseconds.
	BatchMaxSize uint
	BatchMaxAge  time.Duration
	// CheckpointInterval is how often a new checkpoint is signed and
	// published (Append returns once one covers the entry); zero means 100
	// milliseconds on POSIX storage and 1 second, its minimum, on MySQL.
	CheckpointInterval time.Duration
}

// Journal is an append-only, verifiable log of entries: a Merkle tree log
// in the C2SP tlog-tiles format kept by tessera, on POSIX storage (a
// folder) or MySQL. It is safe for concurrent use.
type Journal struct {
	add      tessera.AddFn
	shutdown func(context.Context) error
	reader   tessera.LogReader
	awaiter  *tessera.PublicationAwaiter
	verifier note.Verifier
	vkey     string
	cancel   context.CancelFunc
	db       *sql.DB
	store    *filestore.Store // POSIX storage
	dir      string

	// proofs builds inclusion proofs for one tree size at a time, keeping
	// the tiles it read (concurrent receipts mostly share a checkpoint).
	proofsMu sync.Mutex
	proofs   *proofBuilder

	// lastCP is the checkpoint text verified last, and what it says
	// (receipts of a batch share their checkpoint).
	cpMu    sync.Mutex
	lastRaw string
	lastCP  *log.Checkpoint
}

// GenerateKey makes a checkpoint key pair for a log named name (its
// origin, e.g. "csam.example/journal"): the private key for Options.Key and
// the verifier key that receipt holders use.
func GenerateKey(name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}

// VerifierKey returns the verifier key of a private key made by
// GenerateKey.
func VerifierKey(skey string) (string, error) {
	f := strings.SplitN(strings.TrimSpace(skey), "+", 5)
	if len(f) != 5 || f[0] != "PRIVATE" || f[1] != "KEY" {
		return "", errors.New("journal: malformed private key")
	}
	k, err := base64.StdEncoding.DecodeString(f[4])
	if err != nil || len(k) != 1+ed25519.SeedSize || k[0] != 1 {
		return "", errors.New("journal: not an Ed25519 private key")
	}
	pub := ed25519.NewKeyFromSeed(k[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(f[2], pub)
}

// OpenPOSIX opens (or creates) the journal kept in the folder dir (see
// the package documentation for what it holds). One process at a time
// opens a folder; AuditLog and CheckReceipt read it at any time.
func OpenPOSIX(ctx context.Context, dir string, o Options) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	store := filestore.New(dir, nil)
	j, err := open(ctx, o, 100*time.Millisecond, nil, func(context.Context) (tessera.Driver, error) {
		return store, nil
	})
	if err != nil {
		store.Close()
		if errors.Is(err, filestore.ErrCorrupt) {
			err = fmt.Errorf("%w: %w", ErrTampered, err)
		}
		return nil, err
	}
	j.store, j.dir = store, dir
	return j, nil
}

// OpenMySQL opens (or creates, with tessera's schema) the journal kept in
// the MySQL (or MariaDB) database db. Close closes db.
func OpenMySQL(ctx context.Context, db *sql.DB, o Options) (*Journal, error) {
	for _, stmt := range schema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("journal: creating the schema: %w", err)
		}
	}
	return open(ctx, o, time.Second, db, func(ctx context.Context) (tessera.Driver, error) {
		return mysql.New(ctx, db)
	})
}

// Open opens the journal at location: a MySQL DSN prefixed with "mysql:"
// (as go-sql-driver/mysql reads it, e.g.
// "mysql:user@tcp(127.0.0.1:3306)/journal"), else a folder.
func Open(ctx context.Context, location string, o Options) (*Journal, error) {
	if dsn, ok := strings.CutPrefix(location, "mysql:"); ok {
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		db.SetMaxOpenConns(maxConns)
		j, err := OpenMySQL(ctx, db, o)
		if err != nil {
			db.Close()
		}
		return j, err
	}
	return OpenPOSIX(ctx, location, o)
}

func open(ctx context.Context, o Options, minInterval time.Duration, db *sql.DB, driver func(context.Context) (tessera.Driver, error)) (*Journal, error) {
	signer, err := note.NewSigner(o.Key)
	if err != nil {
		return nil, fmt.Errorf("journal: checkpoint key: %w", err)
	}
	vkey, err := VerifierKey(o.Key)
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	size, age := o.BatchMaxSize, o.BatchMaxAge
	if size == 0 {
		size = 1024
	}
	if age <= 0 {
		age = 20 * time.Millisecond
	}
	interval := o.CheckpointInterval
	if interval < minInterval {
		interval = minInterval
	}
	// The appender's background work lives until Close, whatever ctx
	// the caller opened with.
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d, err := driver(bg)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("journal: storage: %w", err)
	}
	opts := tessera.NewAppendOptions().
		WithCheckpointSigner(signer).
		WithBatching(size, age).
		WithCheckpointInterval(interval).
		WithPushback(16 << 10)
	app, shutdown, reader, err := tessera.NewAppender(bg, d, opts)
	if err != nil {
		cancel()
		if oe, ok := d.(interface{ OpenError() error }); ok && oe.OpenError() != nil {
			err = oe.OpenError() // tessera keeps only its text
		}
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &Journal{add: app.Add, shutdown: shutdown, reader: reader, verifier: verifier, vkey: vkey, cancel: cancel, db: db,
		awaiter: tessera.NewPublicationAwaiter(bg, reader.ReadCheckpoint, interval/4)}, nil
}

// VerifierKey returns the key that verifies the journal's checkpoints.
func (j *Journal) VerifierKey() string { return j.vkey }

// Close waits until every entry appended is in a published checkpoint,
// then stops the journal.
func (j *Journal) Close(ctx context.Context) error {
	err := j.shutdown(ctx)
	if j.store != nil {
		if cerr := j.store.Close(); err == nil {
			err = cerr
		}
	}
	j.cancel()
	if j.db != nil {
		if cerr := j.db.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Append adds e and returns its receipt once a signed checkpoint covers
// it: the entry is then durably stored. An error means the entry may or
// may not have been stored (it was not acknowledged).
func (j *Journal) Append(ctx context.Context, e Entry) (*Receipt, error) {
	data, err := e.Marshal()
	if err != nil {
		return nil, err
	}
	idx, cp, err := j.awaiter.Await(ctx, j.add(ctx, tessera.NewEntry(data)))
	if err != nil {
		return nil, fmt.Errorf("journal: append: %w", err)
	}
	return j.receipt(ctx, idx.Index, data, cp)
}

// Rectify appends a rectification of the entry at index (art. 9): e
// describes the corrected record, reason why; the entry at index is kept.
func (j *Journal) Rectify(ctx context.Context, index uint64, e Entry, reason string) (*Receipt, error) {
	if _, err := j.Entry(ctx, index); err != nil {
		return nil, err
	}
	e.Type, e.Rectifies, e.Reason = TypeRectification, &index, reason
	return j.Append(ctx, e)
}

// Checkpoint returns the latest published checkpoint, verified, and its
// signed text.
func (j *Journal) Checkpoint(ctx context.Context) (*log.Checkpoint, []byte, error) {
	raw, err := j.reader.ReadCheckpoint(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: checkpoint: %w", err)
	}
	cp, _, _, err := log.ParseCheckpoint(raw, j.verifier.Name(), j.verifier)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: stored checkpoint: %v", ErrTampered, err)
	}
	return cp, raw, nil
}

// Entry returns the leaf data at index, within the latest checkpoint.
func (j *Journal) Entry(ctx context.Context, index uint64) ([]byte, error) {
	cp, _, err := j.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	if index >= cp.Size {
		return nil, fmt.Errorf("%w: index %d, log size %d", errNotFound, index, cp.Size)
	}
	b, err := client.GetEntryBundle(ctx, j.reader.ReadEntryBundle, index/256, cp.Size)
	if err != nil {
		return nil, fmt.Errorf("journal: entry %d: %w", index, err)
	}
	if int(index%256) >= len(b.Entries) {
		return nil, &TamperedError{Index: index, Known: true, Reason: "entry missing from its bundle"}
	}
	return b.Entries[index%256], nil
}

// Prove returns a receipt for the entry at index against the latest
// checkpoint.
func (j *Journal) Prove(ctx context.Context, index uint64) (*Receipt, error) {
	data, err := j.Entry(ctx, index)
	if err != nil {
		return nil, err
	}
	_, raw, err := j.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	return j.receipt(ctx, index, data, raw)
}

// Consistency returns the latest checkpoint and the proof that it extends
// the tree of size oldSize (see VerifyConsistency).
func (j *Journal) Consistency(ctx context.Context, oldSize uint64) ([]byte, [][]byte, error) {
	cp, raw, err := j.Checkpoint(ctx)
	if err != nil {
		return nil, nil, err
	}
	if oldSize > cp.Size {
		return nil, nil, fmt.Errorf("%w: size %d, log size %d", errNotFound, oldSize, cp.Size)
	}
	pb, err := client.NewProofBuilder(ctx, cp.Size, j.reader.ReadTile)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	p, err := pb.ConsistencyProof(ctx, oldSize, cp.Size)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: consistency proof: %w", err)
	}
	return raw, p, nil
}

func (j *Journal) receipt(ctx context.Context, index uint64, data, cpRaw []byte) (*Receipt, error) {
	cp, err := j.parseCheckpoint(cpRaw)
	if err != nil {
		return nil, err
	}
	p, err := j.inclusionProof(ctx, index, cp.Size)
	if err != nil {
		return nil, err
	}
	return &Receipt{Index: index, Entry: data, Checkpoint: string(cpRaw), Proof: p}, nil
}

// parseCheckpoint verifies and parses a checkpoint of the journal,
// remembering the last one.
func (j *Journal) parseCheckpoint(raw []byte) (*log.Checkpoint, error) {
	j.cpMu.Lock()
	defer j.cpMu.Unlock()
	if j.lastCP != nil && j.lastRaw == string(raw) {
		return j.lastCP, nil
	}
	cp, _, _, err := log.ParseCheckpoint(raw, j.verifier.Name(), j.verifier)
	if err != nil {
		return nil, fmt.Errorf("%w: checkpoint: %v", ErrTampered, err)
	}
	j.lastRaw, j.lastCP = string(raw), cp
	return cp, nil
}

func (j *Journal) inclusionProof(ctx context.Context, index, size uint64) ([][]byte, error) {
	j.proofsMu.Lock()
	defer j.proofsMu.Unlock()
	if j.proofs == nil || j.proofs.size != size {
		j.proofs = newProofBuilder(size, j.reader.ReadTile, j.proofs)
	}
	p, err := j.proofs.inclusion(ctx, index)
	if err != nil {
		j.proofs = nil
		return nil, fmt.Errorf("journal: inclusion proof: %w", err)
	}
	return p, nil
}
