// Command signmsg signs and verifies the signed messages of art. 8 of the
// règlement (package sign) and keeps the journal of accepted messages
// (package journal):
//
//	signmsg sign [-card [-reader NAME] [-card-key sign|auth] | -piv [-reader NAME] [-slot 9c] | -key FILE -cert FILE] [-chain FILE] [-detached] [-tsa URL] MESSAGE
//	signmsg verify -roots FILE|-trusted-list FILE -tl-signer FILE [-intermediates FILE] [-content MESSAGE] [-at TIME] [-offline] [-revocation POLICY] [-json] SIGNATURE
//	signmsg submit -journal DIR|mysql:DSN [verify flags] [-application NAME] [-decision TEXT] SIGNATURE
//	signmsg prove -journal DIR|mysql:DSN [-journal-vkey FILE] [-offline] RECEIPT
//	signmsg audit -journal DIR|mysql:DSN [-journal-vkey FILE]
//
// sign writes the CMS signature (DER) to standard output. verify prints the
// verdict as text or JSON; submit verifies, appends the message to the
// journal and prints the receipt (JSON); prove checks a receipt offline,
// then that the journal's latest checkpoint extends the receipt's and still
// holds the entry;
// audit checks the whole journal and names the first bad entry. The
// validation flags mean what they mean for cmd/certcheck.
//
// For example (built with cd journal && go build ./cmd/signmsg):
//
//	signmsg sign -key sign.key -cert sign.pem -chain ca.pem declaration.xml >declaration.p7s   # or -card (eID), -piv -slot 9c (PIV token)
//	signmsg verify -roots root.pem -json declaration.p7s          # exit 0 valid, 1 not valid, 2 bad input
//	signmsg submit -journal DIR -roots root.pem declaration.p7s >receipt.json   # DIR or mysql:DSN
//	signmsg prove -journal DIR receipt.json
//	signmsg audit -journal DIR
//
// Any file named on the command line (MESSAGE, SIGNATURE, RECEIPT, -content,
// -key, -cert, -chain, -roots, -intermediates, -tsa-roots, -crl,
// -ocsp-response, -trusted-list, -tl-signer) may be "-", standard input,
// read with the bound of a file (16 MiB for a message or a signature,
// 1 MiB for a receipt); only one of them, and standard input then carries
// no PIN. signmsg -version prints the version.
//
// Exit status: 0 valid (signed, recorded, receipt or journal correct), 1 not
// valid, 2 bad input or usage. The eID card's PIN is read from $EID_PIN, a
// PIV token's from $PIV_PIN, else from standard input.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
