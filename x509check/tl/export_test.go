package tl

// VerifyTree is the former implementation of Verify's signature check and
// decoding (a tree of the whole document), for the benchmarks.
var VerifyTree = verifyOld
