module github.com/csam-go/csam

go 1.26.8

require (
	golang.org/x/crypto v0.59.0
	golang.org/x/sync v0.25.0
)
