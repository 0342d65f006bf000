package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// ParsePrefixes parses a comma-separated list of CIDRs or bare addresses,
// such as the value of -trusted-proxies.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
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
			if a.Zone() != "" {
				// A zoned address has no prefix form (PrefixFrom
				// refuses it), and the resolver drops a peer's
				// zone before comparing: write it without one.
				return nil, fmt.Errorf("-trusted-proxies: %q: an address with a zone cannot be a trusted proxy; leave out %%%s", f, a.Zone())
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Serve runs srv on addr until ctx ends, then shuts it down, giving
// requests in flight up to grace to finish. It prints the address it
// listens on to stdout.
func Serve(ctx context.Context, srv *http.Server, addr string, stdout io.Writer, grace time.Duration) error {
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
	shutCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
