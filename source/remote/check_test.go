package remote

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checker is a small stand-in for testify's assert and require, so the
// tests add no module to go.sum: require stops the test, assert does not.
type checker struct{ fatal bool }

var (
	assert  = checker{fatal: false}
	require = checker{fatal: true}
)

func (c checker) fail(t testing.TB, msg string, args []any) {
	t.Helper()
	if len(args) > 0 {
		if f, ok := args[0].(string); ok {
			msg += ": " + fmt.Sprintf(f, args[1:]...)
		} else {
			msg += ": " + fmt.Sprint(args...)
		}
	}
	if c.fatal {
		t.Fatal(msg)
	}
	t.Error(msg)
}

func (c checker) NoError(t testing.TB, err error, args ...any) {
	t.Helper()
	if err != nil {
		c.fail(t, fmt.Sprintf("unexpected error: %v", err), args)
	}
}

func (c checker) ErrorIs(t testing.TB, err, target error, args ...any) {
	t.Helper()
	if !errors.Is(err, target) {
		c.fail(t, fmt.Sprintf("error %v is not %v", err, target), args)
	}
}

func (c checker) ErrorAs(t testing.TB, err error, target any, args ...any) {
	t.Helper()
	if !errors.As(err, target) {
		c.fail(t, fmt.Sprintf("error %v is not a %T", err, target), args)
	}
}

func (c checker) Equal(t testing.TB, want, got any, args ...any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		c.fail(t, fmt.Sprintf("\n got: %+v\nwant: %+v", got, want), args)
	}
}

func (c checker) True(t testing.TB, v bool, args ...any) {
	t.Helper()
	if !v {
		c.fail(t, "want true", args)
	}
}

func (c checker) False(t testing.TB, v bool, args ...any) {
	t.Helper()
	if v {
		c.fail(t, "want false", args)
	}
}

func (c checker) Nil(t testing.TB, v any, args ...any) {
	t.Helper()
	if v != nil && !reflect.ValueOf(v).IsNil() {
		c.fail(t, fmt.Sprintf("want nil, got %+v", v), args)
	}
}

func (c checker) NotNil(t testing.TB, v any, args ...any) {
	t.Helper()
	if v == nil || reflect.ValueOf(v).IsNil() {
		c.fail(t, "want non-nil", args)
	}
}

func (c checker) Zero(t testing.TB, v any, args ...any) {
	t.Helper()
	if !reflect.ValueOf(v).IsZero() {
		c.fail(t, fmt.Sprintf("want zero, got %+v", v), args)
	}
}

func (c checker) Empty(t testing.TB, v any, args ...any) {
	t.Helper()
	if reflect.ValueOf(v).Len() != 0 {
		c.fail(t, fmt.Sprintf("want empty, got %+v", v), args)
	}
}

func (c checker) Len(t testing.TB, v any, n int, args ...any) {
	t.Helper()
	if l := reflect.ValueOf(v).Len(); l != n {
		c.fail(t, fmt.Sprintf("length %d, want %d", l, n), args)
	}
}

func (c checker) ElementsMatch(t testing.TB, want, got []int, args ...any) {
	t.Helper()
	w, g := slices.Clone(want), slices.Clone(got)
	slices.Sort(w)
	slices.Sort(g)
	if !slices.Equal(w, g) {
		c.fail(t, fmt.Sprintf("elements %v, want %v", got, want), args)
	}
}

func (c checker) Contains(t testing.TB, list []int, v int, args ...any) {
	t.Helper()
	if !slices.Contains(list, v) {
		c.fail(t, fmt.Sprintf("%v does not contain %v", list, v), args)
	}
}

func (c checker) NotContains(t testing.TB, s, sub string, args ...any) {
	t.Helper()
	if sub != "" && containsFold(s, sub) {
		c.fail(t, fmt.Sprintf("%q contains %q", s, sub), args)
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
