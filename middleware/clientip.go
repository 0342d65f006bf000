package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/ipintel/ipintel"
)

// Errors of the package. Check them with errors.Is.
var (
	// ErrNoClientIP: the client's address cannot be determined: RemoteAddr
	// is not an IP address (a Unix socket), or a trusted proxy sent a
	// client-IP header that does not hold one.
	ErrNoClientIP = errors.New("middleware: no client IP")
)

// Limits on what the resolver reads of a client-IP header, so a request
// cannot make it do unbounded work. Only the rightmost part of a header is
// ever needed: what trusted proxies appended.
const (
	// MaxHeaderBytes is how much of a client-IP header (all its lines
	// together), counted from the right, is read. An address that straddles
	// the cut is treated as invalid.
	MaxHeaderBytes = 4 << 10
	// MaxHops is how many addresses of X-Forwarded-For or Forwarded are
	// examined, from the right, before giving up with ErrNoClientIP.
	MaxHops = 32
)

// Canonical names of the headers the resolver understands specially.
const (
	HeaderXForwardedFor = "X-Forwarded-For"
	HeaderForwarded     = "Forwarded"
	HeaderXRealIP       = "X-Real-Ip" // canonical form of X-Real-IP
	HeaderCFConnecting  = "Cf-Connecting-Ip"
	HeaderTrueClientIP  = "True-Client-Ip"
)

// headerKind is how a header is read.
type headerKind uint8

const (
	kindXFF       headerKind = iota // comma list, rightmost untrusted wins
	kindForwarded                   // RFC 7239 elements, rightmost untrusted for= wins
	kindSingle                      // exactly one address, set by the nearest trusted proxy
)

// Resolver finds a request's client address under a trusted-proxy model.
//
// The address is the TCP peer (http.Request.RemoteAddr) unless the peer is
// inside one of the trusted prefixes. Only then is a header read:
//
//   - X-Forwarded-For (the default): all its lines in order, read from the
//     right; trusted addresses are skipped (they are the proxies) and the
//     first untrusted one is the client. When every address is trusted, the
//     leftmost is: the request began inside the trusted network.
//   - Forwarded (RFC 7239): the same walk over the for= parameters of its
//     elements; quoted and bracketed IPv6 and ports are understood.
//   - any other header (X-Real-IP, CF-Connecting-IP, True-Client-IP…): it
//     must hold exactly one address, written by the nearest trusted proxy.
//
// A trusted peer that sends no such header is itself the client. A header
// that a trusted proxy should have written but that holds no usable address
// is an error wrapping [ErrNoClientIP]; the resolver never guesses, and never
// returns an address that only an untrusted party wrote.
//
// IPv4-mapped IPv6 addresses are unmapped; zones are dropped from the peer
// address and refused in headers. A Resolver is immutable and safe for
// concurrent use.
type Resolver struct {
	trusted []netip.Prefix
	header  string
	kind    headerKind
}

// NewResolver builds a Resolver trusting the given proxy prefixes and
// reading the named header from them ("" means X-Forwarded-For). With no
// trusted prefixes, headers are never read and the peer is always the
// client. A prefix that is not valid, or a header name that is not a valid
// HTTP token, is an error wrapping [ipintel.ErrInvalidOption].
func NewResolver(trusted []netip.Prefix, header string) (*Resolver, error) {
	r := &Resolver{header: HeaderXForwardedFor, kind: kindXFF}
	for i, p := range trusted {
		if !p.IsValid() {
			return nil, fmt.Errorf("middleware: %w: trusted proxy prefix %d is not valid", ipintel.ErrInvalidOption, i)
		}
		r.trusted = append(r.trusted, normPrefix(p))
	}
	if header != "" {
		if !validToken(header) {
			return nil, fmt.Errorf("middleware: %w: %q is not a valid header name", ipintel.ErrInvalidOption, header)
		}
		r.header = http.CanonicalHeaderKey(header)
		switch r.header {
		case HeaderXForwardedFor:
			r.kind = kindXFF
		case HeaderForwarded:
			r.kind = kindForwarded
		default:
			r.kind = kindSingle
		}
	}
	return r, nil
}

// normPrefix masks p and turns an IPv4-mapped prefix into its IPv4 form, so
// that it matches the unmapped addresses the resolver compares.
func normPrefix(p netip.Prefix) netip.Prefix {
	if a := p.Addr(); a.Is4In6() {
		bits := max(p.Bits()-96, 0)
		return netip.PrefixFrom(a.Unmap(), bits).Masked()
	}
	return p.Masked()
}

func validToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// isTchar reports whether c may appear in an HTTP token (RFC 9110 5.6.2).
func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// trusts reports whether addr is inside one of the trusted prefixes.
func (r *Resolver) trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range r.trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientIP returns the client address of req; see [Resolver].
func (r *Resolver) ClientIP(req *http.Request) (netip.Addr, error) {
	peer, ok := parseRemoteAddr(req.RemoteAddr)
	if !ok {
		return netip.Addr{}, fmt.Errorf("middleware: %w: RemoteAddr is not an IP address", ErrNoClientIP)
	}
	if len(r.trusted) == 0 || !r.trusts(peer) {
		return peer, nil
	}
	lines := req.Header[r.header]
	switch r.kind {
	case kindSingle:
		return r.single(lines, peer)
	case kindForwarded:
		return r.walk(lines, peer, lastForwarded)
	default:
		return r.walk(lines, peer, lastXFF)
	}
}

// parseRemoteAddr reads "ip:port", "[ip6%zone]:port" or a bare address.
func parseRemoteAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone("").Unmap(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.WithZone("").Unmap(), true
	}
	return netip.Addr{}, false
}

func (r *Resolver) single(lines []string, peer netip.Addr) (netip.Addr, error) {
	switch len(lines) {
	case 0:
		return peer, nil
	case 1:
	default:
		return netip.Addr{}, fmt.Errorf("middleware: %w: %s appears %d times", ErrNoClientIP, r.header, len(lines))
	}
	v := lines[0]
	if len(v) > MaxHeaderBytes {
		return netip.Addr{}, fmt.Errorf("middleware: %w: %s is too long", ErrNoClientIP, r.header)
	}
	a, ok := parseHop(v)
	if !ok {
		return netip.Addr{}, fmt.Errorf("middleware: %w: %s does not hold one IP address", ErrNoClientIP, r.header)
	}
	return a, nil
}

// lastFunc splits off the last list element of s: it returns the element
// and the rest before it, and whether there was a separator (false: elem is
// all of s).
type lastFunc func(s string) (rest, elem string, more bool)

// walk reads the header lines right to left, one element at a time, and
// returns the rightmost untrusted address; with none, the leftmost address
// (all hops trusted), or the peer when there are no addresses at all.
func (r *Resolver) walk(lines []string, peer netip.Addr, last lastFunc) (netip.Addr, error) {
	client := peer
	budget, hops := MaxHeaderBytes, 0
	for i := len(lines) - 1; i >= 0; i-- {
		line, cut := lines[i], false
		if len(line) > budget {
			line, cut = line[len(line)-budget:], true
		}
		budget -= len(line)
		for {
			rest, elem, more := last(line)
			if !more && cut {
				// elem may be the tail of a longer element.
				return netip.Addr{}, fmt.Errorf("middleware: %w: %s is longer than %d bytes", ErrNoClientIP, r.header, MaxHeaderBytes)
			}
			if !isBlank(elem) {
				hops++
				if hops > MaxHops {
					return netip.Addr{}, fmt.Errorf("middleware: %w: %s has more than %d trusted hops", ErrNoClientIP, r.header, MaxHops)
				}
				a, err := r.hop(elem)
				if err != nil {
					return netip.Addr{}, err
				}
				if !r.trusts(a) {
					return a, nil
				}
				client = a
			}
			if !more {
				break
			}
			line = rest
		}
	}
	return client, nil
}

// hop parses one element of X-Forwarded-For or Forwarded.
func (r *Resolver) hop(elem string) (netip.Addr, error) {
	v := elem
	if r.kind == kindForwarded {
		var ok bool
		if v, ok = forwardedFor(elem); !ok {
			return netip.Addr{}, fmt.Errorf("middleware: %w: a Forwarded element has no usable for= parameter", ErrNoClientIP)
		}
	}
	a, ok := parseHop(v)
	if !ok {
		return netip.Addr{}, fmt.Errorf("middleware: %w: %s holds an entry that is not an IP address", ErrNoClientIP, r.header)
	}
	return a, nil
}

func isBlank(s string) bool { return strings.Trim(s, " \t") == "" }

// lastXFF splits X-Forwarded-For at its last comma.
func lastXFF(s string) (rest, elem string, more bool) {
	i := strings.LastIndexByte(s, ',')
	if i < 0 {
		return "", s, false
	}
	return s[:i], s[i+1:], true
}

// lastForwarded splits a Forwarded field value at its last comma outside a
// quoted string. It scans from the right, so quotes left unbalanced further
// left (by a client, before any proxy appended) cannot hide the elements
// proxies appended.
func lastForwarded(s string) (rest, elem string, more bool) {
	inQuote := false
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case '"':
			// A quote preceded by an odd number of backslashes is escaped.
			n := 0
			for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
				n++
			}
			if n%2 == 0 {
				inQuote = !inQuote
			}
		case ',':
			if !inQuote {
				return s[:i], s[i+1:], true
			}
		}
	}
	return "", s, false
}

// forwardedFor returns the unquoted value of the single for= parameter of
// one Forwarded element ("for=1.2.3.4;proto=https").
func forwardedFor(elem string) (string, bool) {
	var val string
	found := false
	for elem != "" {
		var pair string
		pair, elem = cutPair(elem)
		name, v, ok := strings.Cut(pair, "=")
		if !ok {
			if isBlank(pair) {
				continue
			}
			return "", false
		}
		if !strings.EqualFold(strings.Trim(name, " \t"), "for") {
			continue
		}
		if found {
			return "", false // two for= in one element
		}
		found = true
		v = strings.Trim(v, " \t")
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			if v, ok = unquote(v[1 : len(v)-1]); !ok {
				return "", false
			}
		} else if strings.IndexByte(v, '"') >= 0 {
			return "", false
		}
		val = v
	}
	return val, found
}

// cutPair splits off the first parameter of a Forwarded element, at a
// semicolon outside a quoted string.
func cutPair(s string) (pair, rest string) {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if inQuote {
				i++
			}
		case '"':
			inQuote = !inQuote
		case ';':
			if !inQuote {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, ""
}

// unquote undoes quoted-pair escapes; a lone trailing backslash is invalid.
func unquote(s string) (string, bool) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			if i == len(s) {
				return "", false
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), true
}

// parseHop reads one address as proxies write it: "1.2.3.4", "1.2.3.4:80",
// "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:443", with spaces or
// tabs around it. Zones, RFC 7239's "unknown" and obfuscated identifiers
// are refused. IPv4-mapped IPv6 is unmapped.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.Trim(s, " \t")
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	var a netip.Addr
	switch {
	case s[0] == '[':
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		if tail := s[end+1:]; tail != "" && !validPort(tail) {
			return netip.Addr{}, false
		}
		var err error
		if a, err = netip.ParseAddr(s[1:end]); err != nil || !a.Is6() {
			return netip.Addr{}, false
		}
	case strings.Count(s, ":") == 1:
		host, port, _ := strings.Cut(s, ":")
		if !validPort(":" + port) {
			return netip.Addr{}, false
		}
		var err error
		if a, err = netip.ParseAddr(host); err != nil || !a.Is4() {
			return netip.Addr{}, false
		}
	default:
		var err error
		if a, err = netip.ParseAddr(s); err != nil {
			return netip.Addr{}, false
		}
	}
	if a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// validPort accepts ":" followed by 1–5 digits; RFC 7239 also allows an
// obfuscated port ("_abc"), which carries no address information.
func validPort(s string) bool {
	if len(s) < 2 || s[0] != ':' {
		return false
	}
	p := s[1:]
	if p[0] == '_' {
		return validToken(p)
	}
	if len(p) > 5 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}
