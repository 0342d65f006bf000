package ipintel

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/source"
)

func newClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	c, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestBadInput(t *testing.T) {
	c := newClient(t)
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrInvalidIP},
		{"spaces only", "   ", ErrInvalidIP},
		{"three octets", "1.2.3", ErrInvalidIP},
		{"five octets", "1.2.3.4.5", ErrInvalidIP},
		{"leading zero", "01.2.3.4", ErrInvalidIP},
		{"octet over 255", "999.1.1.1", ErrInvalidIP},
		{"zone", "fe80::1%eth0", ErrInvalidIP},
		{"zone on global", "2a02:26f0::1%eth0", ErrInvalidIP},
		{"brackets", "[2a02:26f0::1]", ErrInvalidIP},
		{"with port", "8.8.8.8:53", ErrInvalidIP},
		{"cidr", "8.8.8.0/24", ErrInvalidIP},
		{"hostname", "example.com", ErrInvalidIP},
		{"nul byte", "8.8.8.8\x00", ErrInvalidIP},
		{"1 MB", strings.Repeat("1", 1<<20), ErrInvalidIP},
		{"mapped private", "::ffff:10.0.0.1", ErrReservedIP},
		{"private", "192.168.1.1", ErrReservedIP},
		{"loopback v6", "::1", ErrReservedIP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Lookup(context.Background(), tc.in)
			if r != nil || !errors.Is(err, tc.want) {
				t.Fatalf("Lookup(%.20q) = %v, %v; want nil, %v", tc.in, r, err, tc.want)
			}
			var ae *AddrError
			if !errors.As(err, &ae) {
				t.Fatalf("error %T is not *AddrError", err)
			}
			if len(ae.Input) > maxEcho || len(err.Error()) > 200 {
				t.Fatalf("error echoes too much input: %d bytes", len(err.Error()))
			}
		})
	}
}

func TestInputTrimmedAndUnmapped(t *testing.T) {
	geo, _ := fixtureSources()
	c := newClient(t, WithSources(geo))
	for _, in := range []string{" 1.1.1.1", "1.1.1.1\n", "\t1.1.1.1\r\n", "::ffff:1.1.1.1"} {
		r, err := c.Lookup(context.Background(), in)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", in, err)
		}
		if r.Query.IP != netip.MustParseAddr("1.1.1.1") || !r.Meta.Found {
			t.Fatalf("Lookup(%q) = IP %v found %v", in, r.Query.IP, r.Meta.Found)
		}
	}
	if _, err := c.LookupAddr(context.Background(), netip.Addr{}); !errors.Is(err, ErrInvalidIP) {
		t.Fatalf("LookupAddr(zero) error = %v", err)
	}
	if _, err := c.LookupAddr(context.Background(), netip.MustParseAddr("fe80::1%eth0")); !errors.Is(err, ErrInvalidIP) {
		t.Fatalf("LookupAddr(zoned) error = %v", err)
	}
	r, err := c.LookupAddr(context.Background(), netip.MustParseAddr("::ffff:1.1.1.1"))
	if err != nil || !r.Query.IP.Is4() {
		t.Fatalf("LookupAddr(mapped) = %v, %v", r, err)
	}
}

func TestReserved(t *testing.T) {
	reserved := []string{
		"0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "100.127.255.255", "127.0.0.1",
		"169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1",
		"192.31.196.1", "192.52.193.1", "192.88.99.1", "192.168.0.1", "192.175.48.1",
		"198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1",
		"239.255.255.250", "240.0.0.1", "255.255.255.255",
		"::", "::1", "::ffff:10.0.0.1", "64:ff9b::808:808", "100::1", "fc00::1", "fd12:3456::1",
		"fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "3fff::1", "2001::1", "2001:2::1",
		"2001:10::1", "2002:c000:0204::1",
	}
	public := []string{
		"1.1.1.1", "8.8.8.8", "45.130.202.105", "100.63.255.255", "100.128.0.0", "172.15.255.255",
		"172.32.0.0", "192.0.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.0", "223.255.255.255",
		"2606:4700:4700::1111", "2a02:26f0::1", "2001:4860:4860::8888", "2001:db9::1", "3ffe::1", "2001:200::1",
	}
	strict := newClient(t)
	lax := newClient(t, WithAllowReserved())
	for _, s := range reserved {
		if _, err := strict.Lookup(context.Background(), s); !errors.Is(err, ErrReservedIP) {
			t.Errorf("Lookup(%s) error = %v, want ErrReservedIP", s, err)
		}
		if _, err := lax.Lookup(context.Background(), s); err != nil {
			t.Errorf("WithAllowReserved: Lookup(%s) error = %v", s, err)
		}
	}
	for _, s := range public {
		if _, err := strict.Lookup(context.Background(), s); err != nil {
			t.Errorf("Lookup(%s) error = %v, want none", s, err)
		}
	}
}

// TestReservedAgainstStdlib checks the fast reserved test agrees with
// net/netip's own predicates wherever those apply.
func TestReservedAgainstStdlib(t *testing.T) {
	for i := range 1 << 16 {
		a := netip.AddrFrom4([4]byte{byte(i >> 8), byte(i), byte(i * 7), 1})
		std := a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsMulticast() || a.IsUnspecified()
		if std && reservedReason(a) == "" {
			t.Fatalf("%v is special to net/netip but not reserved here", a)
		}
	}
}

func TestMerge(t *testing.T) {
	geo, feed := fixtureSources()
	second := newMem("second").
		add("45.130.202.0/24", source.Record{
			Geo:     &source.Geo{CountryCode: "NL", Region: "North Holland", City: "Haarlem", PostalCode: "1011"},
			Network: &source.Network{ASN: 1, ISP: "M247", ConnectionType: "hosting"},
			Signals: []source.Signal{sig(source.VPN, 60, "ExpressVPN")},
		}).
		add("1.1.1.0/24", source.Record{Geo: &source.Geo{CountryCode: "US", City: "Los Angeles", Timezone: "America/Los_Angeles"}})
	c := newClient(t, WithSources(geo, feed, second))

	r, err := c.Lookup(context.Background(), "45.130.202.105")
	if err != nil {
		t.Fatal(err)
	}
	wantGeo := Geo{CountryCode: "NL", CountryName: "Netherlands", Region: "North Holland", City: "Amsterdam",
		PostalCode: "1011", Timezone: "Europe/Amsterdam", Continent: "EU", InEU: true}
	if r.Geo == nil || *r.Geo != wantGeo {
		t.Errorf("Geo = %+v, want %+v", r.Geo, wantGeo)
	}
	wantNet := Network{ASN: 9009, Organization: "M247 Europe SRL", ISP: "M247", ConnectionType: "hosting",
		UsageType: "hosting", CIDR: netip.MustParsePrefix("45.130.202.0/24")}
	if r.Network == nil || *r.Network != wantNet {
		t.Errorf("Network = %+v, want %+v", r.Network, wantNet)
	}
	if got := strings.Join(r.Meta.DataSources, ","); got != "geo,threats,second" {
		t.Errorf("DataSources = %s", got)
	}
	// Every report kept, by kind then confidence; the empty Source filled in.
	var got []string
	for _, s := range r.Signals {
		got = append(got, s.Kind.String()+"/"+s.Source+"/"+s.Provider)
	}
	if want := "vpn/threats/NordVPN vpn/second/ExpressVPN hosting/threats/M247"; strings.Join(got, " ") != want {
		t.Errorf("Signals = %v, want %s", got, want)
	}
	if !r.Privacy.IsVPN || !r.Privacy.IsHosting || r.Privacy.IsTor || r.Privacy.Provider != "NordVPN" {
		t.Errorf("Privacy = %+v", r.Privacy)
	}

	// The second source places 1.1.1.1 in another country: none of its geo.
	r, _ = c.Lookup(context.Background(), "1.1.1.1")
	if r.Geo.City != "" || r.Geo.Timezone != "" || r.Geo.CountryCode != "AU" {
		t.Errorf("disagreeing source leaked into Geo: %+v", r.Geo)
	}

	// A miss: found false, no geo or network, still a scored result.
	r, err = c.Lookup(context.Background(), "9.9.9.9")
	if err != nil || r.Meta.Found || r.Geo != nil || r.Network != nil || r.Risk.Level != LevelLow || r.Risk.Recommendation != Allow {
		t.Errorf("miss = %+v, %v", r, err)
	}
	if r.Query.CacheStatus != CacheMiss || r.Query.RequestID == (RequestID{}) || r.Query.ProcessedAt.IsZero() {
		t.Errorf("Query = %+v", r.Query)
	}
}

func TestSourceFailuresDoNotFailLookup(t *testing.T) {
	geo, feed := fixtureSources()
	broken := newMem("broken")
	broken.fail = errors.New("disk on fire")
	panicky := newMem("panicky")
	panicky.panics = true
	c := newClient(t, WithSources(broken, geo, panicky, feed))
	r, err := c.Lookup(context.Background(), "185.220.101.1")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Meta.Found || !r.Privacy.IsTor || r.Geo.CountryCode != "DE" {
		t.Fatalf("the working sources' answer is missing: %+v", r)
	}
	if len(r.Meta.Errors) != 2 {
		t.Fatalf("Meta.Errors = %v, want 2", r.Meta.Errors)
	}
	if e := r.Meta.Errors[0]; e.Source != "broken" || !strings.Contains(e.Error(), "disk on fire") {
		t.Errorf("Errors[0] = %v", e)
	}
	if e := r.Meta.Errors[1]; e.Source != "panicky" || !errors.Is(e, ErrSourcePanic) {
		t.Errorf("Errors[1] = %v", e)
	}
}

func TestRemoteDeadline(t *testing.T) {
	geo, _ := fixtureSources()
	slow := newMem("slow").add("1.1.1.0/24", source.Record{Signals: []source.Signal{sig(source.Abuse, 100, "")}})
	slow.traits = source.Traits{Remote: true, Timeout: 20 * time.Millisecond}
	slow.delay = time.Hour
	stuck := newMem("stuck") // ignores its context entirely
	stuck.traits = source.Traits{Remote: true, Timeout: 20 * time.Millisecond}
	stuck.block = make(chan struct{})
	fast := newMem("fast").add("1.1.1.0/24", source.Record{Signals: []source.Signal{sig(source.Hosting, 80, "Cloudflare")}})
	fast.traits = source.Traits{Remote: true}
	c := newClient(t, WithSources(geo, slow, stuck, fast))
	defer close(stuck.block) // runs before c.Close (LIFO): Close waits for the stuck goroutine

	r, err := c.Lookup(context.Background(), "1.1.1.1")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Privacy.IsHosting || r.Privacy.IsAbuser || r.Geo == nil {
		t.Fatalf("want the geo and fast answers only: %+v", r)
	}
	if len(r.Meta.Errors) != 2 {
		t.Fatalf("Meta.Errors = %v", r.Meta.Errors)
	}
	for _, e := range r.Meta.Errors {
		if !errors.Is(e, context.DeadlineExceeded) {
			t.Errorf("error %v is not a deadline", e)
		}
	}
}

func TestContext(t *testing.T) {
	geo, _ := fixtureSources()
	c := newClient(t, WithSources(geo))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Lookup(ctx, "1.1.1.1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: err = %v", err)
	}

	// A caller's cancellation stops the wait for a remote source.
	slow := newMem("slow")
	slow.traits = source.Traits{Remote: true, Timeout: time.Hour}
	slow.delay = time.Hour
	c = newClient(t, WithSources(geo, slow))
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	r, err := c.Lookup(ctx, "1.1.1.1")
	if err != nil || r.Geo == nil || len(r.Meta.Errors) != 1 || !errors.Is(r.Meta.Errors[0], context.DeadlineExceeded) {
		t.Fatalf("Lookup = %+v, %v; want the local answer and the remote's deadline error", r, err)
	}
}

// Close joins the sources' errors on one line, each a *SourceError.
func TestCloseJoinsErrorsOnOneLine(t *testing.T) {
	geo, feed := fixtureSources()
	geo.Close() // closing them again fails
	feed.Close()
	c, err := New(WithSources(geo, feed))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Close()
	const want = "2 errors: ipintel: source geo: closed twice; ipintel: source threats: closed twice"
	if err == nil || err.Error() != want {
		t.Fatalf("Close = %v, want %q", err, want)
	}
	var se *SourceError
	if !errors.As(err, &se) || se.Source != "geo" {
		t.Fatalf("errors.As(*SourceError) = %v, want the geo source's", se)
	}
}

func TestCloseAndOptions(t *testing.T) {
	geo, feed := fixtureSources()
	c, err := New(WithSources(geo, feed))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !geo.closed.Load() || !feed.closed.Load() {
		t.Fatal("Close did not close the sources")
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if _, err := c.Lookup(context.Background(), "1.1.1.1"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Lookup after Close: %v", err)
	}
	if _, err := c.LookupBatch(context.Background(), []string{"1.1.1.1"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("LookupBatch after Close: %v", err)
	}

	for name, opt := range map[string]Option{
		"nil source":      WithSources(nil),
		"negative cache":  WithCache(-1, time.Minute),
		"zero workers":    WithConcurrency(0),
		"negative batch":  WithMaxBatch(-1),
		"nil scorer":      WithScorer(nil),
		"nil logger":      WithLogger(nil),
		"zero timeout":    WithRemoteTimeout(0),
		"duplicate names": WithSources(newMem("a"), newMem("a")),
		"empty name":      WithSources(newMem("")),
	} {
		if _, err := New(opt); !errors.Is(err, ErrInvalidOption) {
			t.Errorf("%s: New error = %v, want ErrInvalidOption", name, err)
		}
	}
}
