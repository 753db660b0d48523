module github.com/csam-go/csam

go 1.26.8

require (
	github.com/pquerna/otp v1.5.0
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/boombuler/barcode v1.0.1-0.20190219062509-6c824513bacc // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
