package tlsauth_test

import (
	"crypto/tls"
	"fmt"
	"log"
	"net/http"

	"github.com/csam-go/csam/tlsauth"
	"github.com/csam-go/csam/x509check"
)

// A service that logs people in with their eID or a qualified certificate:
// one call configures the server, the handler reads the result.
func Example() {
	v, err := x509check.NewValidator(x509check.Options{
		BelgianRoots: x509check.BelgianRoots(), // built in: no file to install
		Usage:        x509check.UsageAuthentication,
	})
	if err != nil {
		log.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair("server.pem", "server.key")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: ":8443", TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			res, _ := tlsauth.FromRequest(r)
			fmt.Fprintln(w, "hello", res.Subjects()[0], res.KeyType)
		})}
	if err := tlsauth.Server(srv, tlsauth.Options{Validator: v}); err != nil {
		log.Fatal(err)
	}
	log.Fatal(srv.ListenAndServeTLS("", ""))
}
