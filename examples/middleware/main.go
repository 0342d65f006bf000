// Command middleware is a small net/http service protected by ipintel's
// middleware: Tor exits are refused, VPN users are asked to step up, and
// every handler can read the lookup result from the request's context.
// See README.md.
package main

import (
	"context"
	"encoding/json"
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
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/builtin"
	"github.com/ipintel/ipintel/ipintelprom"
	"github.com/ipintel/ipintel/middleware"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "middleware:", err)
		os.Exit(1)
	}
}

// run is main with its dependencies passed in, so tests can call it. It
// serves until ctx ends, then drains in-flight requests for up to 5 s.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("middleware", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	offline := fs.Bool("offline", false, "answer from the embedded data only; by default live data (Tor and VPN lists,\n"+
		"Private Relay, cloud ranges) is downloaded and kept under the user cache directory")
	torList := fs.String("tor-list", "", "a file of Tor exit addresses, one a line (e.g. Tor's bulk exit list)")
	trusted := fs.String("trusted-proxies", "", "comma-separated CIDRs of reverse proxies in front of the service")
	header := fs.String("client-ip-header", "X-Forwarded-For", "header the trusted proxies put the client address in")
	score := fs.Int("block-score", 0, "block at this risk score or above (1–100) instead of on the block recommendation")
	failClosed := fs.Bool("fail-closed", false, "block requests whose lookup fails instead of letting them through")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	srcs, err := openSources(*offline, *torList)
	if err != nil {
		return err
	}
	client, err := ipintel.New(ipintel.WithSources(srcs...), ipintel.WithCache(10000, 15*time.Minute), ipintel.WithLogger(logger))
	if err != nil {
		closeAll(srcs)
		return err
	}
	defer func() {
		client.Close()
		closeAll(srcs)
	}()

	opts := []middleware.Option{middleware.WithLogger(logger), middleware.WithClientIPHeader(*header)}
	if *trusted != "" {
		var nets []netip.Prefix
		for _, s := range strings.Split(*trusted, ",") {
			p, err := netip.ParsePrefix(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("-trusted-proxies: %w", err)
			}
			nets = append(nets, p)
		}
		opts = append(opts, middleware.WithTrustedProxies(nets))
	}
	if *score != 0 {
		opts = append(opts, middleware.WithBlockScore(*score))
	}
	if *failClosed {
		opts = append(opts, middleware.WithFailClosed())
	}
	h, err := newHandler(client, opts...)
	if err != nil {
		return err
	}
	return serve(ctx, &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}, *addr, stdout)
}

// openSources returns the data the service asks, most specific first: the
// Tor list, if given, then the builtin data (live unless offline).
func openSources(offline bool, torList string) ([]source.Source, error) {
	var srcs []source.Source
	if torList != "" {
		tor, err := feed.Open(torList, feed.Spec{Name: "tor-exits", Kind: source.Tor, Provider: "Tor Project", Confidence: 100})
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, tor)
	}
	var opts []builtin.Option
	if !offline {
		dir, err := os.UserCacheDir()
		if err != nil {
			closeAll(srcs)
			return nil, fmt.Errorf("no cache directory for live data (use -offline): %w", err)
		}
		opts = append(opts, builtin.WithLive(filepath.Join(dir, "ipintel")), builtin.WithStartupBudget(3*time.Second))
	}
	b, err := builtin.Open(opts...)
	if err != nil {
		closeAll(srcs)
		return nil, err
	}
	return append(srcs, b), nil
}

func closeAll(srcs []source.Source) {
	for _, s := range srcs {
		if c, ok := s.(io.Closer); ok {
			c.Close()
		}
	}
}

// serve listens on addr, says where on stdout, and serves until ctx ends;
// then it stops accepting and lets in-flight requests finish for up to 5 s
// before it closes what is left.
func serve(ctx context.Context, srv *http.Server, addr string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); errors.Is(err, context.DeadlineExceeded) {
		return srv.Close() // the grace period is over: the process is stopping anyway
	} else if err != nil {
		return err
	}
	return nil
}

// newHandler is the service: its routes behind the middleware, with
// /healthz and /metrics (the client's Prometheus metrics) exempt. A real
// service would serve /metrics on an internal port only.
func newHandler(client *ipintel.Client, opts ...middleware.Option) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	reg := prometheus.NewRegistry()
	reg.MustRegister(ipintelprom.NewCollector(client))
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /{$}", home)
	mux.HandleFunc("GET /whoami", whoami)
	guard, err := middleware.New(client, append([]middleware.Option{middleware.WithSkipPaths("/healthz", "/metrics")}, opts...)...)
	if err != nil {
		return nil, err
	}
	return guard(mux), nil
}

// home greets the visitor, asking VPN and proxy users to step up.
func home(w http.ResponseWriter, r *http.Request) {
	ip, _ := middleware.ClientIP(r.Context())
	msg := map[string]any{"client_ip": ip, "message": "welcome"}
	if res, ok := middleware.FromContext(r.Context()); ok {
		if res.Geo != nil {
			msg["country"] = res.Geo.CountryCode
		}
		msg["risk_score"] = res.Risk.Score
		if res.Risk.Recommendation == ipintel.Verify {
			msg["message"] = "please confirm it is you: we sent a code to your e-mail"
			msg["step_up"] = true
		}
	} else {
		msg["message"] = "welcome (internal or unchecked address)"
	}
	writeJSON(w, msg)
}

// whoami returns everything the lookup found.
func whoami(w http.ResponseWriter, r *http.Request) {
	res, ok := middleware.FromContext(r.Context())
	if !ok {
		ip, _ := middleware.ClientIP(r.Context())
		writeJSON(w, map[string]any{"client_ip": ip, "result": nil})
		return
	}
	writeJSON(w, res)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
