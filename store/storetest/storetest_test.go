package storetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ipintel/ipintel/store"
	"github.com/ipintel/ipintel/store/storetest"
)

// Broken stores, each breaking one rule of the contract.
type (
	claimAlwaysWins struct{ store.Store }
	missIsError     struct{ store.Store }
	neverExpires    struct{ store.Store }
)

func (s claimAlwaysWins) Claim(context.Context, string, time.Duration) (bool, error) {
	return true, nil
}

func (s missIsError) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, ok, err := s.Store.Get(ctx, key)
	if !ok && err == nil {
		err = errors.New("not found")
	}
	return v, ok, err
}

func (s neverExpires) Set(ctx context.Context, key string, value []byte, _ time.Duration) error {
	return s.Store.Set(ctx, key, value, time.Hour)
}

var broken = map[string]struct {
	st   func() store.Store
	want string // in the kit's failure output
}{
	"claim-always-wins": {func() store.Store { return claimAlwaysWins{store.NewMemory()} }, "want false"},
	"miss-is-error":     {func() store.Store { return missIsError{store.NewMemory()} }, "want nil, false, nil"},
	"never-expires":     {func() store.Store { return neverExpires{store.NewMemory()} }, "still present"},
}

// TestKitCatchesBrokenStores runs the kit against each broken store in a
// child process and checks that it fails, for the right reason.
func TestKitCatchesBrokenStores(t *testing.T) {
	if name := os.Getenv("STORETEST_BROKEN"); name != "" {
		storetest.Run(t, func(*testing.T) store.Store { return broken[name].st() })
		return
	}
	if testing.Short() {
		t.Skip("runs the kit in child processes")
	}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestKitCatchesBrokenStores$", "-test.count=1")
			cmd.Env = append(os.Environ(), "STORETEST_BROKEN="+name)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the kit passed a store that breaks the contract (err %v):\n%s", err, out)
			}
			if !strings.Contains(string(out), b.want) {
				t.Fatalf("the kit failed, but not with %q:\n%s", b.want, out)
			}
		})
	}
}
