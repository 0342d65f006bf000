// Package lookup is "ipintel lookup": it answers for IP addresses from the
// command line:
//
//	ipintel lookup 45.130.202.105 185.220.101.1 2a03:1b20::1
//	ipintel lookup -format table 45.130.202.105
//	ipintel lookup -city GeoLite2-City.mmdb -asn GeoLite2-ASN.mmdb \
//		-feed tor=https://check.torproject.org/torbulkexitlist 185.220.101.1
//
// With no data flags it answers from the builtin source: real open data
// (country, AS, organisation, network class) compiled in. Data flags add
// sources in front of it; -sample adds the invented sample databases of
// testdata to demonstrate VPN, proxy and Tor answers. An argument "-" reads
// addresses from stdin, one a line, each answered as it arrives. SIGINT
// (Ctrl-C) or SIGTERM stops it at once, even while it waits on stdin, with
// every answer printed so far whole, and exit status 130 or 143. Flags are
// listed by -h.
package lookup

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/cmd/ipintel/internal/cli"
)

// Main runs the lookup subcommand with args (those after "lookup") and
// returns the process exit status.
func Main(args []string) int {
	ctx, stop := cli.SignalContext(context.Background())
	err := run(ctx, args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if code := cli.ExitCode(ctx); code != 0 {
			return code // SIGINT or SIGTERM: 130 or 143; the answers so far are out
		}
		if errors.Is(err, errSomeFailed) {
			return 1 // each failure was printed already
		}
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "ipintel lookup:", err)
		}
		return 2
	}
	return 0
}

// errSomeFailed reports that at least one address could not be looked up;
// the others were printed.
var errSomeFailed = errors.New("some addresses could not be looked up")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipintel lookup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ipintel lookup [flags] IP [IP…]   (an IP of - reads addresses from stdin, one a line)")
		fs.PrintDefaults()
	}
	var data cli.Flags
	data.Register(fs)
	format := fs.String("format", "json", "output format: json (one indented object per address) or table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("no IP addresses given")
	}
	if *format != "json" && *format != "table" {
		return fmt.Errorf("-format %q: want json or table", *format)
	}
	client, err := data.Client(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer client.Close()

	failed := false
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	// LookupSeq answers each address as soon as it is read, and stops at
	// once when a signal ends ctx, even while stdin is idle.
	for r, err := range client.LookupSeq(ctx, addresses(fs.Args(), stdin)) {
		if err != nil {
			if !errors.Is(err, ipintel.ErrInvalidIP) && !errors.Is(err, ipintel.ErrReservedIP) {
				return err // ctx ended: interrupted
			}
			fmt.Fprintln(stderr, err)
			failed = true
			continue
		}
		if *format == "table" {
			printTable(stdout, r)
			continue
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	if failed {
		return errSomeFailed
	}
	return nil
}

// stdin is where an argument "-" reads addresses from.
var stdin io.Reader = os.Stdin

// addresses yields the arguments, each "-" replaced by the lines of in
// (blank lines and # comments skipped).
func addresses(args []string, in io.Reader) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, a := range args {
			if a != "-" {
				if !yield(a) {
					return
				}
				continue
			}
			sc := bufio.NewScanner(in)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				if !yield(line) {
					return
				}
			}
		}
	}
}

// printTable writes one result for people.
func printTable(w io.Writer, r *ipintel.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintf(tw, "%s\n", r.Query.IP)
	if g := r.Geo; g != nil {
		fmt.Fprintf(tw, "  location\t%s\n", join(g.City, g.Region, g.CountryName, g.CountryCode))
	}
	if n := r.Network; n != nil {
		fmt.Fprintf(tw, "  network\t%s\n", join(n.ASN.String(), n.Organization, n.CIDR.String(), n.ConnectionType))
	}
	var flags []string
	p := r.Privacy
	for _, f := range []struct {
		on   bool
		name string
	}{{p.IsVPN, "vpn"}, {p.IsProxy, "proxy"}, {p.IsResidentialProxy, "residential proxy"}, {p.IsTor, "tor"},
		{p.IsRelay, "relay"}, {p.IsHosting, "hosting"}, {p.IsAbuser, "abuser"}, {p.IsBot, "bot"},
		{r.Monitoring.Detected, "monitoring"}} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	if len(flags) == 0 {
		flags = []string{"none"}
	}
	fmt.Fprintf(tw, "  privacy\t%s\n", join(strings.Join(flags, ", "), p.Provider))
	fmt.Fprintf(tw, "  risk\t%d/100 %s, %s (trust %d)\n", r.Risk.Score, r.Risk.Level, r.Risk.Recommendation, r.Risk.TrustScore)
	for _, rs := range r.Risk.Reasons {
		fmt.Fprintf(tw, "  \t%+d %s\t%s (confidence %d, from %s)\n", rs.Points, rs.Code, rs.Description, rs.Confidence, rs.Source)
	}
	if !r.Meta.Found {
		fmt.Fprintf(tw, "  \tno source knows this address\n")
	}
	for _, e := range r.Meta.Errors {
		fmt.Fprintf(tw, "  error\t%v\n", e)
	}
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "unknown"
	}
	return strings.Join(out, " · ")
}
