// Command gen writes ipintel's bundled sample MaxMind DB files into
// testdata/ (or the directory given with -out):
//
//	go run ./testdata/gen
//
// See testdata/README.md for what the files hold.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ipintel/ipintel/testdata/gen/sample"
)

func main() {
	out := flag.String("out", "testdata", "directory to write the files into")
	flag.Parse()
	if err := sample.Write(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
