package sourcetest_test

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/sourcetest"
)

// brokenSources each break one rule of the contract.
var brokenSources = map[string]struct {
	src  source.Source
	want string // in the kit's failure output
}{
	"miss-is-error":   {missIsError{}, "a miss must not be an error"},
	"miss-not-zero":   {missNotZero{}, "want Record{}"},
	"empty-name":      {named(""), "Name() is empty"},
	"bad-prefix":      {badPrefix{}, "does not contain the address"},
	"no-provenance":   {noProvenance{}, "without Source"},
	"bad-confidence":  {badConfidence{}, "outside 0–100"},
	"ignores-cancel":  {wrongCancelErr{}, "does not wrap context.Canceled"},
	"batch-mismatch":  {batchMismatch{}, "LookupBatch[0]"},
	"v6-unsupported":  {v6Error{}, "Lookup(2606:4700:4700::1111)"},
	"unstable-answer": {&unstable{}, "changed between calls"},
}

// TestKitCatchesBrokenSources runs the kit against each broken source in a
// child process and checks that it fails, for the right reason.
func TestKitCatchesBrokenSources(t *testing.T) {
	if name := os.Getenv("SOURCETEST_BROKEN"); name != "" {
		b := brokenSources[name]
		sourcetest.Run(t, func(*testing.T) source.Source { return b.src },
			sourcetest.Misses(netip.MustParseAddr("9.9.9.9")), sourcetest.Hits(netip.MustParseAddr("1.1.1.1")))
		return
	}
	for name, b := range brokenSources {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestKitCatchesBrokenSources$", "-test.count=1")
			cmd.Env = append(os.Environ(), "SOURCETEST_BROKEN="+name)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the kit passed a source that breaks the contract (err %v):\n%s", err, out)
			}
			if !strings.Contains(string(out), b.want) {
				t.Fatalf("the kit failed, but not with %q:\n%s", b.want, out)
			}
		})
	}
}

var hitRec = source.Record{
	Prefix:  netip.MustParsePrefix("1.1.1.0/24"),
	Signals: []source.Signal{{Kind: source.Hosting, Confidence: 90, Source: "x"}},
}

type named string

func (n named) Name() string { return string(n) }
func (named) Lookup(context.Context, netip.Addr) (source.Record, error) {
	return source.Record{}, nil
}

// base answers 1.1.1.0/24 and misses everything else, correctly.
type base struct{}

func (base) Name() string { return "broken" }
func (base) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	if err := ctx.Err(); err != nil {
		return source.Record{}, err
	}
	if hitRec.Prefix.Contains(a) {
		return hitRec, nil
	}
	return source.Record{}, nil
}

type missIsError struct{ base }

func (m missIsError) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	r, err := m.base.Lookup(ctx, a)
	if err == nil && r.IsZero() {
		return r, errors.New("not found")
	}
	return r, err
}

type missNotZero struct{ base }

func (m missNotZero) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	r, err := m.base.Lookup(ctx, a)
	if r.IsZero() {
		r.Geo = &source.Geo{}
	}
	return r, err
}

type badPrefix struct{ base }

func (badPrefix) Lookup(context.Context, netip.Addr) (source.Record, error) {
	return source.Record{Prefix: netip.MustParsePrefix("203.0.113.0/24")}, nil
}

type noProvenance struct{ base }

func (noProvenance) Lookup(_ context.Context, a netip.Addr) (source.Record, error) {
	return source.Record{Signals: []source.Signal{{Kind: source.VPN, Confidence: 50}}}, nil
}

type badConfidence struct{ base }

func (badConfidence) Lookup(_ context.Context, a netip.Addr) (source.Record, error) {
	return source.Record{Signals: []source.Signal{{Kind: source.VPN, Confidence: 150, Source: "x"}}}, nil
}

type wrongCancelErr struct{ base }

func (w wrongCancelErr) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	if ctx.Err() != nil {
		return source.Record{}, errors.New("some other error")
	}
	return w.base.Lookup(ctx, a)
}

type batchMismatch struct{ base }

func (batchMismatch) LookupBatch(_ context.Context, addrs []netip.Addr) ([]source.Record, error) {
	out := make([]source.Record, len(addrs))
	for i := range out {
		out[i] = source.Record{Signals: []source.Signal{{Kind: source.Tor, Confidence: 1, Source: "x"}}}
	}
	return out, nil
}

type v6Error struct{ base }

func (v v6Error) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	if a.Is6() {
		return source.Record{}, errors.New("IPv6 not supported")
	}
	return v.base.Lookup(ctx, a)
}

type unstable struct {
	base
	n int
}

func (u *unstable) Lookup(ctx context.Context, a netip.Addr) (source.Record, error) {
	u.n++ // deliberately racy too; the Stable check runs first and sequentially
	if u.n%2 == 0 {
		return hitRec, nil
	}
	return u.base.Lookup(ctx, a)
}
