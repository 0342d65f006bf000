// Command ipintel answers what an IP address is — VPN, proxy, Tor exit,
// iCloud Private Relay egress, hosting range or monitoring probe — where it
// is, which network owns it and how risky it is, from real open data
// compiled in, and from databases, feeds and hosted APIs you add.
//
// Usage:
//
//	ipintel <command> [arguments]
//
// The commands are:
//
//	lookup      answer for IP addresses given as arguments or on stdin
//	batch       enrich a list of addresses (a file, stdin or a CSV column)
//	serve       serve the VectraIP, VPN Signal and Datpaq JSON APIs
//	export      write the data as a MaxMind DB or a range CSV for other software
//	version     print the version of ipintel and of its embedded data
//
// Use "ipintel help <command>" or "ipintel <command> -h" for a command's
// flags.
//
// The built-in data is live by default: lookup, batch and serve download
// the catalog feeds (Tor exits, VPN servers, iCloud Private Relay, cloud
// ranges, monitoring probes) and fresher country and AS data, keep them
// under the user cache directory (-cache-dir) and wait at most 3 s for
// the network at start (-startup-budget). Without network they answer
// from the embedded data (or what an earlier run cached) after one
// warning line. -offline answers from the embedded data only.
//
// Install it with
//
//	go install github.com/ipintel/ipintel/cmd/ipintel@latest
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/ipintel/ipintel/builtin"

	"github.com/ipintel/ipintel/cmd/ipintel/internal/batch"
	"github.com/ipintel/ipintel/cmd/ipintel/internal/export"
	"github.com/ipintel/ipintel/cmd/ipintel/internal/lookup"
	"github.com/ipintel/ipintel/cmd/ipintel/internal/serve"
)

// command is one subcommand: its name, a one-line summary for the help
// listing, and its entry point, which takes the arguments after the name and
// returns the exit status.
type command struct {
	name, short string
	run         func(args []string) int
}

var commands = []command{
	{"lookup", "answer for IP addresses given as arguments or on stdin", lookup.Main},
	{"batch", "enrich a list of addresses (a file, stdin or a CSV column)", batch.Main},
	{"serve", "serve the VectraIP, VPN Signal and Datpaq JSON APIs", serve.Main},
	{"export", "write the data as a MaxMind DB or a range CSV for other software", export.Main},
	{"version", "print the version of ipintel and of its embedded data", version},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			usage(stdout)
			return 0
		}
		if c, ok := find(rest[0]); ok {
			// Asked-for help goes to standard output, as "go help build"
			// does; a command prints its flags to standard error, where
			// "ipintel lookup -h" and a usage error keep them. The process
			// ends after this call.
			os.Stderr = os.Stdout
			c.run([]string{"-h"})
			return 0
		}
		fmt.Fprintf(stderr, "ipintel help %s: unknown command\nRun 'ipintel help' for usage.\n", rest[0])
		return 2
	}
	if c, ok := find(name); ok {
		return c.run(rest)
	}
	fmt.Fprintf(stderr, "ipintel %s: unknown command\nRun 'ipintel help' for usage.\n", name)
	return 2
}

func find(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Ipintel answers what an IP address is, where it is, who runs it and how risky it is.\n\n"+
		"Usage:\n\n\tipintel <command> [arguments]\n\nThe commands are:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-11s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, "\nUse \"ipintel help <command>\" for more information about a command.\n")
}

// version prints the module version the binary was built from (a tag, or a
// pseudo-version for go install …@main; "(devel)" in a source tree), the Go
// version and the embedded datasets with their dates.
func version(args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(os.Stderr, "usage: ipintel version")
		return 2
	}
	v := "(unknown)"
	goVersion := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		v = info.Main.Version
		goVersion = info.GoVersion
	}
	fmt.Printf("ipintel %s %s\n", v, goVersion)
	src, err := builtin.Open()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ipintel version:", err)
		return 1
	}
	defer src.Close()
	for _, d := range src.Datasets() {
		fmt.Printf("embedded %s %s (built %s, %d entries)\n", d.Name, d.Version, d.Updated.Format(time.DateOnly), d.Entries)
	}
	return 0
}
