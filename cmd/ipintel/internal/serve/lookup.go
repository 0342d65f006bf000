package serve

import (
	"context"
	"errors"
	"net/http"

	"github.com/ipintel/ipintel"
)

// lookup answers one textual address under the server's deadline.
func (s *server) lookup(r *http.Request, ip string) (*ipintel.Result, *failure) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	res, err := s.client.Lookup(ctx, ip)
	if err != nil {
		f := s.classify(err, ip)
		return nil, &f
	}
	s.countFound(res)
	return res, nil
}

// batch answers many addresses under the server's deadline.
func (s *server) batch(r *http.Request, ips []string) (*ipintel.Batch, *failure) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	b, err := s.client.LookupBatch(ctx, ips)
	if b == nil {
		f := s.classify(err, "")
		return nil, &f
	}
	for _, it := range b.Items {
		switch {
		case it.Result != nil:
			s.countFound(it.Result)
		case isAddrError(it.Err):
			s.metrics.lookups.WithLabelValues("invalid").Inc()
		default:
			s.metrics.lookups.WithLabelValues("failed").Inc()
		}
	}
	return b, nil
}

func (s *server) countFound(res *ipintel.Result) {
	if res.Meta.Found {
		s.metrics.lookups.WithLabelValues("found").Inc()
	} else {
		s.metrics.lookups.WithLabelValues("not_found").Inc()
	}
}

func isAddrError(err error) bool {
	var ae *ipintel.AddrError
	return errors.As(err, &ae)
}

// classify turns a lookup error into a failure for the API's envelope.
func (s *server) classify(err error, ip string) failure {
	var ae *ipintel.AddrError
	switch {
	case errors.As(err, &ae) && errors.Is(err, ipintel.ErrReservedIP):
		s.metrics.lookups.WithLabelValues("invalid").Inc()
		return failure{kind: errReservedIP, ip: echo(ip), msg: "Private, loopback and reserved addresses are not looked up: " + ae.Reason}
	case errors.As(err, &ae):
		s.metrics.lookups.WithLabelValues("invalid").Inc()
		return failure{kind: errInvalidIP, ip: echo(ip), msg: "Invalid IP address: " + ae.Reason}
	default:
		s.metrics.lookups.WithLabelValues("failed").Inc()
		s.logger.Warn("lookup failed", "error", err)
		return failure{kind: errInternal, msg: "Internal server error"}
	}
}
