package tl_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/tl"
)

// scaledList returns the real list with its providers repeated (names
// numbered) until it is about factor times its size, re-signed with the test signer (factor 1:
// the real list and its own signer).
func scaledList(t testing.TB, factor int) ([]byte, *x509.Certificate) {
	t.Helper()
	data, signer := realList(t)
	if factor == 1 {
		return data, signer
	}
	scaledOnce.Lock()
	defer scaledOnce.Unlock()
	if got, ok := scaledCache[factor]; ok {
		return got, testSigner(t).cert
	}
	start := bytes.Index(data, []byte("<TrustServiceProvider>"))
	end := bytes.Index(data, []byte("</TrustServiceProviderList>"))
	sig := bytes.Index(data, []byte("<ds:Signature"))
	sigEnd := bytes.Index(data, []byte("</ds:Signature>"))
	if start < 0 || end < start || sig < end || sigEnd < sig {
		t.Fatal("real list layout changed")
	}
	providers := data[start:end]
	var b bytes.Buffer
	b.Write(data[:end])
	for k := 1; b.Len()+len(data)-end < factor*len(data); k++ {
		// Each copy's names and certificates differ, as a real list's
		// would (Verify shares equal certificates of a list).
		b.Write(uniqueCopy(providers, k))
	}
	b.Write(data[end:sig])
	b.Write(data[sigEnd+len("</ds:Signature>"):])
	signed := testSigner(t).sign(t, b.String())
	scaledCache[factor] = signed
	return signed, testSigner(t).cert
}

// uniqueCopy returns providers with the names numbered k and, in every
// certificate, one base64 digit of the signature changed by k (1 to 63):
// the certificates still parse (nothing checks their signature here) and
// differ from those of the other copies.
func uniqueCopy(providers []byte, k int) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	out := bytes.ReplaceAll(providers, []byte("</Name>"), fmt.Appendf(nil, " (%d)</Name>", k))
	open, closing := []byte("<X509Certificate>"), []byte("</X509Certificate>")
	for i := 0; ; {
		j := bytes.Index(out[i:], open)
		if j < 0 {
			return out
		}
		start := i + j + len(open)
		end := start + bytes.Index(out[start:], closing)
		// The eighth base64 digit from the end, past padding and white space.
		pos, seen := end, 0
		for seen < 8 {
			pos--
			if c := out[pos]; c != '=' && c != '\n' && c != '\r' && c != ' ' && c != '\t' {
				seen++
			}
		}
		out[pos] = alphabet[(strings.IndexByte(alphabet, out[pos])+k)%64]
		i = end
	}
}

var (
	scaledOnce  sync.Mutex
	scaledCache = map[int][]byte{}
)

// processCPU is the CPU time (user and system) this process has used.
func processCPU(b *testing.B) time.Duration {
	d, ok := testenv.CPUTime()
	if !ok {
		b.Fatal("the process CPU time cannot be read")
	}
	return d
}

// BenchmarkVerifyVsXMLSec verifies the real list and synthetic lists of 4
// and 16 times its size with Verify and with xmlsec1 --verify run as a
// process on the same file, side by side, in wall-clock and CPU time (the
// machine may be loaded: compare cpu-ns/op); Verify also reports the bytes
// it allocates per input byte; tree is the former implementation (a tree
// of the whole document), and csam-cached is Verify with a Cache that
// holds the list (a SHA-256 of the input and the time checks).
func BenchmarkVerifyVsXMLSec(b *testing.B) {
	bin := testenv.Tool(b, "xmlsec1")
	for _, factor := range []int{1, 4, 16} {
		data, signer := scaledList(b, factor)
		opts := tl.VerifyOptions{Signers: []*x509.Certificate{signer}, Time: inRealValidity}
		dir := b.TempDir()
		list, certPEM := filepath.Join(dir, "list.xml"), filepath.Join(dir, "signer.pem")
		if err := os.WriteFile(list, data, 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: signer.Raw}), 0o600); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("size=%dx/csam", factor), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			start := processCPU(b)
			for b.Loop() {
				if _, err := tl.Verify(data, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
			n := allocated(func() {
				if _, err := tl.Verify(data, opts); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(n)/float64(len(data)), "allocB/inB")
		})
		b.Run(fmt.Sprintf("size=%dx/tree", factor), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			start := processCPU(b)
			for b.Loop() {
				if _, err := tl.VerifyTree(data, opts.Signers); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
			n := allocated(func() {
				if _, err := tl.VerifyTree(data, opts.Signers); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(n)/float64(len(data)), "allocB/inB")
		})
		b.Run(fmt.Sprintf("size=%dx/csam-cached", factor), func(b *testing.B) {
			cached := opts
			cached.Cache = &tl.Cache{}
			if _, err := tl.Verify(data, cached); err != nil { // fill the cache
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			start := processCPU(b)
			for b.Loop() {
				if _, err := tl.Verify(data, cached); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
		})
		b.Run(fmt.Sprintf("size=%dx/xmlsec1", factor), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var cpu time.Duration
			for b.Loop() {
				cmd := exec.Command(bin, "--verify", "--pubkey-cert-pem", certPEM, "--enabled-key-data", "key-name",
					"--id-attr:Id", "TrustServiceStatusList", list)
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("xmlsec1: %v\n%s", err, out)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
