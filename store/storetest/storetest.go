// Package storetest checks that a [store.Store] keeps the contract:
// storetest.Run(t, newStore) runs every check against fresh stores, the
// way testing/slogtest checks a slog.Handler.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ipintel/ipintel/internal/oneline"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/store"
)

// Run checks newStore's stores. Each check gets a new store from newStore
// and uses keys unique to the run, so a store shared with other tests (one
// Redis in CI) can be passed.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	prefix := fmt.Sprintf("storetest:%d:", time.Now().UnixNano())
	checks := []struct {
		name string
		fn   func(t *testing.T, st store.Store, key func(string) string)
	}{
		{"MissIsNotError", missIsNotError},
		{"SetGet", setGet},
		{"BinaryAndEmptyValues", binaryAndEmpty},
		{"ValuesAreCopied", valuesAreCopied},
		{"Expiry", expiry},
		{"ClaimOnce", claimOnce},
		{"ClaimConcurrent", claimConcurrent},
		{"ClaimExpires", claimExpires},
		{"Multi", multi},
		{"InvalidArguments", invalidArguments},
		{"CancelledContext", cancelledContext},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			st := newStore(t)
			key := func(k string) string { return prefix + c.name + ":" + k }
			c.fn(t, st, key)
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func missIsNotError(t *testing.T, st store.Store, key func(string) string) {
	v, ok, err := st.Get(ctx(t), key("absent"))
	if err != nil || ok || v != nil {
		t.Fatalf("Get(absent) = %q, %v, %v; want nil, false, nil", v, ok, err)
	}
	vs, err := st.GetMulti(ctx(t), []string{key("a"), key("b")})
	if err != nil || len(vs) != 2 || vs[0] != nil || vs[1] != nil {
		t.Fatalf("GetMulti(absent, absent) = %q, %v; want [nil nil], nil", vs, err)
	}
}

func setGet(t *testing.T, st store.Store, key func(string) string) {
	k := key("k")
	if err := st.Set(ctx(t), k, []byte("one"), time.Minute); err != nil {
		t.Fatalf("Set: %v", err)
	}
	mustGet(t, st, k, "one")
	if err := st.Set(ctx(t), k, []byte("two"), time.Minute); err != nil {
		t.Fatalf("Set again: %v", err)
	}
	mustGet(t, st, k, "two")
}

func mustGet(t *testing.T, st store.Store, k, want string) {
	t.Helper()
	v, ok, err := st.Get(ctx(t), k)
	if err != nil || !ok || string(v) != want {
		t.Fatalf("Get(%s) = %q, %v, %v; want %q, true, nil", k, v, ok, err, want)
	}
}

func binaryAndEmpty(t *testing.T, st store.Store, key func(string) string) {
	bin := []byte{0, 1, 2, 0xff, '\r', '\n', 0}
	big := bytes.Repeat([]byte("x"), 64<<10)
	for name, v := range map[string][]byte{"bin": bin, "big": big, "empty": {}} {
		if err := st.Set(ctx(t), key(name), v, time.Minute); err != nil {
			t.Fatalf("Set(%s): %v", name, err)
		}
		got, ok, err := st.Get(ctx(t), key(name))
		if err != nil || !ok || !bytes.Equal(got, v) {
			t.Fatalf("Get(%s) = %d bytes, %v, %v; want %d bytes back", name, len(got), ok, err, len(v))
		}
	}
	vs, err := st.GetMulti(ctx(t), []string{key("empty")})
	if err != nil || len(vs) != 1 || vs[0] == nil || len(vs[0]) != 0 {
		t.Fatalf("GetMulti(empty value) = %#v, %v; want a non-nil empty slice", vs, err)
	}
}

func valuesAreCopied(t *testing.T, st store.Store, key func(string) string) {
	v := []byte("abc")
	if err := st.Set(ctx(t), key("k"), v, time.Minute); err != nil {
		t.Fatal(err)
	}
	v[0] = 'X'
	got, _, _ := st.Get(ctx(t), key("k"))
	if string(got) != "abc" {
		t.Fatalf("changing the slice passed to Set changed the stored value: %q", got)
	}
	got[0] = 'Y'
	mustGet(t, st, key("k"), "abc")
}

// waitGone polls until k is absent, up to a bound well past ttl.
func waitGone(t *testing.T, st store.Store, k string, ttl time.Duration) {
	t.Helper()
	deadline := time.Now().Add(ttl + 5*time.Second)
	for time.Now().Before(deadline) {
		_, ok, err := st.Get(ctx(t), k)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s still present 5 s after its %v TTL", k, ttl)
}

func expiry(t *testing.T, st store.Store, key func(string) string) {
	const ttl = 50 * time.Millisecond
	if err := st.Set(ctx(t), key("short"), []byte("v"), ttl); err != nil {
		t.Fatal(err)
	}
	if err := st.Set(ctx(t), key("long"), []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMulti(ctx(t), []store.Item{{Key: key("mshort"), Value: []byte("v"), TTL: ttl}}); err != nil {
		t.Fatal(err)
	}
	waitGone(t, st, key("short"), ttl)
	waitGone(t, st, key("mshort"), ttl)
	mustGet(t, st, key("long"), "v")
}

func claimOnce(t *testing.T, st store.Store, key func(string) string) {
	k := key("c")
	for i, want := range []bool{true, false, false} {
		got, err := st.Claim(ctx(t), k, time.Minute)
		if err != nil || got != want {
			t.Fatalf("Claim #%d = %v, %v; want %v, nil", i+1, got, err, want)
		}
	}
	if err := st.Set(ctx(t), key("v"), []byte("x"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Claim(ctx(t), key("v"), time.Minute); err != nil || got {
		t.Fatalf("Claim of a key that holds a value = %v, %v; want false", got, err)
	}
}

func claimConcurrent(t *testing.T, st store.Store, key func(string) string) {
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	var errs []error
	for range n {
		wg.Go(func() {
			ok, err := st.Claim(ctx(t), key("c"), time.Minute)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if ok {
				wins++
			}
		})
	}
	wg.Wait()
	if err := oneline.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if wins != 1 {
		t.Fatalf("%d concurrent claims of one key: %d succeeded, want exactly 1", n, wins)
	}
}

func claimExpires(t *testing.T, st store.Store, key func(string) string) {
	const ttl = 50 * time.Millisecond
	k := key("c")
	if ok, err := st.Claim(ctx(t), k, ttl); err != nil || !ok {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	waitGone(t, st, k, ttl)
	if ok, err := st.Claim(ctx(t), k, ttl); err != nil || !ok {
		t.Fatalf("Claim after the first claim expired = %v, %v; want true", ok, err)
	}
}

func multi(t *testing.T, st store.Store, key func(string) string) {
	items := []store.Item{
		{Key: key("a"), Value: []byte("A"), TTL: time.Minute},
		{Key: key("b"), Value: []byte("B"), TTL: time.Minute},
	}
	if err := st.SetMulti(ctx(t), items); err != nil {
		t.Fatalf("SetMulti: %v", err)
	}
	if err := st.SetMulti(ctx(t), nil); err != nil {
		t.Fatalf("SetMulti(nil): %v", err)
	}
	vs, err := st.GetMulti(ctx(t), []string{key("b"), key("absent"), key("a"), key("a")})
	if err != nil {
		t.Fatalf("GetMulti: %v", err)
	}
	want := []string{"B", "", "A", "A"}
	if len(vs) != len(want) {
		t.Fatalf("GetMulti returned %d values for 4 keys", len(vs))
	}
	for i, w := range want {
		if (w == "") != (vs[i] == nil) || string(vs[i]) != w {
			t.Fatalf("GetMulti[%d] = %q, want %q", i, vs[i], w)
		}
	}
	if vs, err := st.GetMulti(ctx(t), nil); err != nil || len(vs) != 0 {
		t.Fatalf("GetMulti(nil) = %v, %v", vs, err)
	}
	claimed, err := st.ClaimMulti(ctx(t), []string{key("c1"), key("a"), key("c2")}, time.Minute)
	if err != nil || len(claimed) != 3 || !claimed[0] || claimed[1] || !claimed[2] {
		t.Fatalf("ClaimMulti(new, taken, new) = %v, %v; want [true false true]", claimed, err)
	}
	claimed, err = st.ClaimMulti(ctx(t), []string{key("c1"), key("c3")}, time.Minute)
	if err != nil || len(claimed) != 2 || claimed[0] || !claimed[1] {
		t.Fatalf("ClaimMulti(claimed, new) = %v, %v; want [false true]", claimed, err)
	}
}

func invalidArguments(t *testing.T, st store.Store, key func(string) string) {
	cases := map[string]error{
		"Set empty key":  st.Set(ctx(t), "", []byte("v"), time.Minute),
		"Set zero TTL":   st.Set(ctx(t), key("k"), []byte("v"), 0),
		"Set negative":   st.Set(ctx(t), key("k"), []byte("v"), -time.Second),
		"SetMulti empty": st.SetMulti(ctx(t), []store.Item{{Key: "", Value: []byte("v"), TTL: time.Minute}}),
	}
	_, err := st.Claim(ctx(t), key("c"), 0)
	cases["Claim zero TTL"] = err
	_, err = st.ClaimMulti(ctx(t), []string{""}, time.Minute)
	cases["ClaimMulti empty key"] = err
	for name, err := range cases {
		if !errors.Is(err, source.ErrInvalidInput) {
			t.Errorf("%s: error %v, want source.ErrInvalidInput", name, err)
		}
	}
	if _, ok, _ := st.Get(ctx(t), key("k")); ok {
		t.Errorf("an invalid Set stored a value")
	}
}

func cancelledContext(t *testing.T, st store.Store, key func(string) string) {
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := st.Get(c, key("k")); err == nil {
		t.Errorf("Get with a cancelled context: no error")
	}
	if err := st.Set(c, key("k"), []byte("v"), time.Minute); err == nil {
		t.Errorf("Set with a cancelled context: no error")
	}
	if _, err := st.Claim(c, key("c"), time.Minute); err == nil {
		t.Errorf("Claim with a cancelled context: no error")
	}
}
