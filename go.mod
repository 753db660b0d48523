module github.com/csam-go/csam

go 1.26.8

require github.com/pquerna/otp v1.5.0

require (
	github.com/boombuler/barcode v1.0.1-0.20190219062509-6c824513bacc // indirect
	github.com/stretchr/testify v1.12.1 // indirect
)
