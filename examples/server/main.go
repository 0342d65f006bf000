// Command server is one process that serves the JSON APIs of VectraIP, VPN
// Signal and Datpaq from ipintel, so that their existing clients can point
// at it. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/middleware"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/mmdb"
	"github.com/prometheus/client_golang/prometheus"
)

// keysEnv holds API keys, comma-separated.
const keysEnv = "IPINTEL_API_KEYS"

// bundled are the sample databases in the repository's testdata.
var bundled = []string{"ipintel-City.mmdb", "ipintel-ASN.mmdb", "ipintel-Anonymous-IP.mmdb"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// options are the command line.
type options struct {
	addr       string
	mmdbs      string
	keysFile   string
	rate       int
	trusted    string
	header     string
	timeout    time.Duration
	cacheSize  int
	allowNoKey bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&o.mmdbs, "mmdb", "", "comma-separated MMDB files (City, ASN, Anonymous-IP…); default: the bundled sample data")
	fs.StringVar(&o.keysFile, "keys-file", "", "file of API keys, one a line (also: $"+keysEnv+", comma-separated)")
	fs.IntVar(&o.rate, "rate-limit", 600, "requests per API key per sliding 60-second window")
	fs.StringVar(&o.trusted, "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose client-IP header is believed")
	fs.StringVar(&o.header, "client-ip-header", "X-Forwarded-For", "header trusted proxies put the client address in (X-Forwarded-For, Forwarded, X-Real-IP…)")
	fs.DurationVar(&o.timeout, "lookup-timeout", 2*time.Second, "deadline of one request's lookups")
	fs.IntVar(&o.cacheSize, "cache", 10000, "result cache entries (0: no cache)")
	fs.BoolVar(&o.allowNoKey, "dev", false, "with no keys configured, generate one and print it (for trying the server out)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: server [flags]\n\nServes VectraIP, VPN Signal and Datpaq endpoints from ipintel.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.rate < 1 {
		return o, errors.New("-rate-limit must be at least 1")
	}
	return o, nil
}

// run is main with its dependencies passed in, so tests can call it. It
// serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	keys, err := loadKeys(o.keysFile, getenv)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		if !o.allowNoKey {
			return fmt.Errorf("no API keys: set $%s or -keys-file (or -dev to generate one)", keysEnv)
		}
		k := newRequestID()
		keys = []string{k}
		fmt.Fprintf(stderr, "dev mode: no keys configured; generated API key %s\n", k)
	}
	ring, err := newKeyring(keys)
	if err != nil {
		return err
	}

	client, err := newClient(o, stderr)
	if err != nil {
		return err
	}
	defer client.Close()

	resolver, err := middleware.NewResolver(nil, o.header)
	if o.trusted != "" {
		var nets []netip.Prefix
		if nets, err = parsePrefixes(o.trusted); err == nil {
			resolver, err = middleware.NewResolver(nets, o.header)
		}
	}
	if err != nil {
		return err
	}

	h := newHandler(config{
		client:   client,
		keys:     ring,
		rate:     o.rate,
		resolver: resolver,
		timeout:  o.timeout,
		logger:   logger,
		registry: prometheus.NewRegistry(),
	})
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loadKeys reads keys from the file and the environment.
func loadKeys(file string, getenv func(string) string) ([]string, error) {
	var keys []string
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if keys, err = readKeys(f); err != nil {
			return nil, err
		}
	}
	for k := range strings.SplitSeq(getenv(keysEnv), ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("-trusted-proxies: %w", err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p)
	}
	return out, nil
}

// newClient opens the MMDBs (the bundled sample data by default).
func newClient(o options, stderr io.Writer) (*ipintel.Client, error) {
	var paths []string
	if o.mmdbs == "" {
		dir, err := bundledDir()
		if err != nil {
			return nil, err
		}
		for _, f := range bundled {
			paths = append(paths, filepath.Join(dir, f))
		}
		fmt.Fprintf(stderr, "using the bundled SAMPLE data in %s (not real intelligence; pass -mmdb for real databases)\n", dir)
	} else {
		for p := range strings.SplitSeq(o.mmdbs, ",") {
			if p = strings.TrimSpace(p); p != "" {
				paths = append(paths, p)
			}
		}
	}
	var srcs []source.Source
	closeAll := func() {
		for _, s := range srcs {
			s.(*mmdb.Source).Close()
		}
	}
	for _, p := range paths {
		s, err := mmdb.Open(p)
		if err != nil {
			closeAll()
			return nil, err
		}
		srcs = append(srcs, s)
	}
	opts := []ipintel.Option{ipintel.WithSources(srcs...), ipintel.WithMaxBatch(100)}
	if o.cacheSize > 0 {
		opts = append(opts, ipintel.WithCache(o.cacheSize, 15*time.Minute))
	}
	c, err := ipintel.New(opts...)
	if err != nil {
		closeAll()
		return nil, err
	}
	return c, nil
}

// bundledDir finds the repository's testdata directory: from the working
// directory or any parent that holds the ipintel module (so `go run .` in
// examples/server and `go run ./examples/server` from a checkout both
// work), else next to this source file.
func bundledDir() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for d := dir; ; d = filepath.Dir(d) {
			if isModuleRoot(d) {
				return filepath.Join(d, "testdata"), nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", errors.New("cannot find the bundled testdata (run from the ipintel repository, or pass -mmdb)")
}

// isModuleRoot reports whether dir holds the root go.mod of ipintel and
// its bundled data.
func isModuleRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if strings.TrimSpace(first) != "module github.com/ipintel/ipintel" {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, "testdata", bundled[0]))
	return err == nil
}
