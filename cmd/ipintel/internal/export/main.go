// Package export is the export subcommand: it writes the data ipintel
// answers from — the builtin data and whatever the data flags add in front
// of it — as a MaxMind DB or a range CSV that other software reads
// unchanged:
//
//	ipintel export -format mmdb -o ipintel.mmdb
//	ipintel export -format mmdb -type asn -o ipintel-ASN.mmdb
//	ipintel export -format csv -o ipintel.csv -feed tor=exits.txt
//
// A lookup of any address in the file answers what "ipintel lookup" with
// the same flags answers (country, network, flags, provider, risk score).
// The file is written to a temporary file beside -o and renamed when
// complete: an interrupted or failed export leaves no partial file.
// Progress goes to stderr, then a summary (ranges, size, time).
package export

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ipintel/ipintel/cmd/ipintel/internal/cli"
	"github.com/ipintel/ipintel/export"
)

// Main runs the export subcommand with args (those after "export") and
// returns the process exit status: 0, 1 when the export failed, 2 for bad
// usage, 130 or 143 when interrupted.
func Main(args []string) int {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := cli.SignalContext(context.Background())
	err := run(ctx, args, os.Getenv, os.Stderr)
	stop()
	if err == nil {
		return 0
	}
	if code := cli.ExitCode(ctx); code != 0 {
		fmt.Fprintln(os.Stderr, "ipintel export: interrupted; nothing written")
		return code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(os.Stderr, "ipintel export:", err)
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

type usageError struct{ error }

// memoryLimit is the soft heap limit the export runs under unless
// GOMEMLIMIT is set: building the MMDB tree makes short-lived garbage that
// would otherwise let the heap grow to twice what is live.
const memoryLimit = 440 << 20

var types = map[string]export.DatabaseType{
	"enterprise":   export.Enterprise,
	"country":      export.Country,
	"asn":          export.ASN,
	"anonymous-ip": export.AnonymousIP,
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("ipintel export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ipintel export [flags] -format mmdb|csv -o FILE")
		fs.PrintDefaults()
	}
	var data cli.Flags
	data.Register(fs)
	format := fs.String("format", "mmdb", "output format: mmdb (MaxMind DB) or csv (one row per network)")
	out := fs.String("o", "", "the file to write (replaced whole when the export succeeds)")
	typ := fs.String("type", "enterprise", "for -format mmdb, the database type, which decides the fields and the typed\n"+
		"readers that open it: enterprise (every field; database_type GeoIP2-Enterprise),\n"+
		"country (GeoLite2-Country), asn (GeoLite2-ASN) or anonymous-ip (GeoIP2-Anonymous-IP)")
	partial := fs.Bool("partial", false, "leave out the sources that cannot list their data (hosted APIs -remote)\n"+
		"instead of failing")
	quiet := fs.Bool("q", false, "no progress, only the summary")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	}
	if *out == "" {
		fs.Usage()
		return usageError{errors.New("-o FILE is required")}
	}
	var f export.Format
	switch *format {
	case "csv":
		f = export.CSV
	case "mmdb":
		t, ok := types[*typ]
		if !ok {
			return usageError{fmt.Errorf("-type %q: want enterprise, country, asn or anonymous-ip", *typ)}
		}
		f = export.MMDB(t)
	default:
		return usageError{fmt.Errorf("-format %q: want mmdb or csv", *format)}
	}
	start := time.Now()
	client, err := data.Client(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	defer client.Close()

	progress := func(p export.Progress) {
		if *quiet {
			return
		}
		switch {
		case p.Stage == "list" && p.Done:
			fmt.Fprintf(stderr, "ipintel export: listed %s: %d networks\n", p.Source, p.Count)
		case p.Stage == "list":
			fmt.Fprintf(stderr, "ipintel export: listing %s: %d networks…\n", p.Source, p.Count)
		case p.Stage == "merge" && p.Done:
			fmt.Fprintf(stderr, "ipintel export: merged into %d ranges (%.1fs)\n", p.Count, time.Since(start).Seconds())
		case p.Stage == "merge":
			fmt.Fprintf(stderr, "ipintel export: merging: %d ranges…\n", p.Count)
		case p.Stage == "write" && !p.Done:
			fmt.Fprintf(stderr, "ipintel export: writing: %d networks…\n", p.Count)
		}
	}
	opts := []export.Option{export.WithProgress(progress)}
	if *partial {
		opts = append(opts, export.WithPartial())
	}
	tab, err := export.Build(ctx, client, opts...)
	if errors.Is(err, export.ErrNotEnumerable) {
		return fmt.Errorf("%w; -partial leaves it out", err)
	}
	if err != nil {
		return err
	}
	if s := tab.Skipped(); len(s) > 0 {
		fmt.Fprintf(stderr, "ipintel export: -partial: left out %s (they cannot list their data)\n", strings.Join(s, ", "))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// tab is not used after WriteFile, so the table can be collected
	// while the MMDB writer serialises its tree; and the listings' buffers
	// are garbage now: hand them back before that tree grows, so that the
	// two do not add up.
	ranges, records, sources := tab.Len(), tab.Entries(), strings.Join(tab.Sources(), ", ")
	debug.FreeOSMemory()
	n, err := tab.WriteFile(ctx, *out, f, progress)
	if err != nil {
		return err
	}
	what := "csv"
	if f.MMDB != "" {
		what = "mmdb " + string(f.MMDB)
	}
	fmt.Fprintf(stderr, "ipintel export: wrote %s (%s): %d ranges, %d distinct records, %s, in %.1fs, from %s\n",
		*out, what, ranges, records, size(n), time.Since(start).Seconds(), sources)
	return nil
}

// size formats a byte count.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
