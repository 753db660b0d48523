module github.com/csam-go/csam

go 1.26.0

require (
	github.com/beevik/etree v1.8.1
	github.com/ebfe/scard v0.0.0-20241214075232-7af069cabc25
	github.com/go-piv/piv-go/v2 v2.6.0
	github.com/google/go-cmp v0.7.0
	github.com/pquerna/otp v1.5.0
	github.com/redis/go-redis/v9 v9.23.0
	github.com/rogpeppe/go-internal v1.16.0
	github.com/russellhaering/goxmldsig v1.6.1
	github.com/smallstep/certinfo v1.16.0
	golang.org/x/crypto v0.59.0
	golang.org/x/sync v0.25.0
)

require (
	github.com/boombuler/barcode v1.0.1-0.20190219062509-6c824513bacc // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/google/certificate-transparency-go v1.3.2 // indirect
	github.com/jonboulle/clockwork v0.5.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/tools v0.31.0 // indirect
)
