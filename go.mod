module github.com/csam-go/csam

go 1.26.8
