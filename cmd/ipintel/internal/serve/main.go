// Package serve is "ipintel serve": one process that serves the JSON APIs
// of VectraIP, VPN Signal and Datpaq from ipintel, so that their existing
// clients can point at it. See README.md.
package serve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/cmd/ipintel/internal/cli"
	"github.com/ipintel/ipintel/ipintelprom"
	"github.com/ipintel/ipintel/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// keysEnv holds API keys, comma-separated.
const keysEnv = "IPINTEL_API_KEYS"

// Main runs the serve subcommand with args (those after "serve") and
// returns the process exit status.
func Main(args []string) int {
	// The first SIGINT or SIGTERM drains; the second ends the process.
	ctx, stop := cli.SignalContext(context.Background())
	defer stop()
	if err := run(ctx, args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ipintel serve:", err)
		return 1
	}
	return 0
}

// options are the command line.
type options struct {
	addr       string
	data       cli.Flags
	keysFile   string
	trusted    string
	header     string
	timeout    time.Duration
	cacheSize  int
	allowNoKey bool
	vectraPlan string
	vpnPlan    string
	datpaqRate int
	authBurst  int
	authRefill time.Duration
	maxConns   int
	idle       time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ipintel serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	o.data.Register(fs)
	fs.StringVar(&o.keysFile, "keys-file", "", "file of API keys, one a line (also: $"+keysEnv+", comma-separated)")
	fs.StringVar(&o.vectraPlan, "vectraip-plan", "business", "VectraIP plan of keys that name none: free, developer, business, enterprise")
	fs.StringVar(&o.vpnPlan, "vpnsignal-plan", "pro", "VPN Signal plan of keys that name none: free, starter, pro, enterprise")
	fs.IntVar(&o.datpaqRate, "datpaq-rate", defaultDatpaqRate, "Datpaq requests per client IP per sliding 60-second window")
	fs.IntVar(&o.authBurst, "auth-failures", defaultAuthBurst, "failed authentications in a row from one client address (IPv6: one /64) before its\nauthenticated requests get 429, a right key too")
	fs.DurationVar(&o.authRefill, "auth-refill", defaultAuthRefill, "time for a throttled address to be allowed -auth-failures attempts again\n(one comes back every -auth-refill / -auth-failures)")
	fs.IntVar(&o.maxConns, "max-conns", 0, fmt.Sprintf("most connections held open; at the cap the longest-idle one is closed for a newcomer\n(0: %d, or the open-file limit less %d if lower)", defaultMaxConns, fdReserve))
	fs.DurationVar(&o.idle, "idle-timeout", 30*time.Second, "how long an idle keep-alive connection is kept")
	fs.StringVar(&o.trusted, "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose client-IP header is believed")
	fs.StringVar(&o.header, "client-ip-header", "X-Forwarded-For", "header trusted proxies put the client address in (X-Forwarded-For, Forwarded, X-Real-IP…)")
	fs.DurationVar(&o.timeout, "lookup-timeout", 2*time.Second, "deadline of one request's lookups")
	fs.IntVar(&o.cacheSize, "cache", 10000, "result cache entries (0: no cache)")
	fs.BoolVar(&o.allowNoKey, "dev", false, "with no keys configured, generate one and print it (for trying the server out)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ipintel serve [flags]\n\nServes VectraIP, VPN Signal and Datpaq endpoints from ipintel.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.datpaqRate < 1 {
		return o, errors.New("-datpaq-rate must be at least 1")
	}
	if o.idle <= 0 {
		return o, errors.New("-idle-timeout must be positive")
	}
	if o.authBurst < 1 || o.authRefill <= 0 {
		return o, errors.New("-auth-failures must be at least 1 and -auth-refill positive")
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
		k := newKey()
		keys = []keySpec{{key: k}}
		fmt.Fprintf(stderr, "dev mode: no keys configured; generated API key %s\n", k)
	}
	var def plans
	if def.vectraIP, err = vectraIPPlan(o.vectraPlan); err != nil {
		return err
	}
	if def.vpnSig, err = vpnSignalPlan(o.vpnPlan); err != nil {
		return err
	}
	ring, err := newKeyring(keys, def)
	if err != nil {
		return err
	}

	opts := []ipintel.Option{ipintel.WithMaxBatch(100)}
	if o.cacheSize > 0 {
		opts = append(opts, ipintel.WithCache(o.cacheSize, 15*time.Minute))
	}
	client, err := o.data.Client(ctx, getenv, stderr, opts...)
	if err != nil {
		return err
	}
	defer client.Close()

	nets, err := cli.ParsePrefixes(o.trusted)
	if err != nil {
		return err
	}
	resolver, err := middleware.NewResolver(nets, o.header)
	if err != nil {
		return err
	}

	// The client's own metrics (lookups, sources, data age) beside the
	// server's HTTP metrics, on /metrics.
	reg := prometheus.NewRegistry()
	reg.MustRegister(ipintelprom.NewCollector(client))
	h := newHandler(config{
		client:     client,
		keys:       ring,
		datpaqRate: o.datpaqRate,
		resolver:   resolver,
		timeout:    o.timeout,
		logger:     logger,
		registry:   reg,
		authBurst:  o.authBurst,
		authRefill: o.authRefill,
	})
	limit, known := fileLimit()
	maxConns, note, err := connCap(o.maxConns, limit, known)
	if err != nil {
		return err
	}
	if note != "" {
		logger.Warn(note)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	conns := newConnLimiter(ln, maxConns)
	var draining atomic.Bool
	srv := &http.Server{
		Handler:           closeWhenDraining(h, &draining),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       o.idle,
		MaxHeaderBytes:    64 << 10,
		ConnState:         conns.connState,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	return serveAndDrain(ctx, srv, conns, &draining, logger, drainGrace)
}

// loadKeys reads keys from the file and the environment.
func loadKeys(file string, getenv func(string) string) ([]keySpec, error) {
	var keys []keySpec
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
	i := 0
	for k := range strings.SplitSeq(getenv(keysEnv), ",") {
		if k = strings.TrimSpace(k); k != "" {
			i++
			if err := checkKey(k, fmt.Sprintf("$%s, key %d,", keysEnv, i)); err != nil {
				return nil, err
			}
			keys = append(keys, keySpec{key: k})
		}
	}
	return keys, nil
}
