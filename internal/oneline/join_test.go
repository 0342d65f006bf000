package oneline

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"
)

func TestJoinNil(t *testing.T) {
	if err := Join(); err != nil {
		t.Errorf("Join() = %v, want nil", err)
	}
	if err := Join(nil, nil); err != nil {
		t.Errorf("Join(nil, nil) = %v, want nil", err)
	}
	var none []error
	if err := Join(none...); err != nil {
		t.Errorf("Join of an empty slice = %v, want nil", err)
	}
}

func TestJoinSingle(t *testing.T) {
	e := errors.New("one")
	if err := Join(nil, e, nil); err != e {
		t.Errorf("Join(nil, e, nil) = %#v, want e itself", err)
	}
	// A lone error keeps its own message, even over several lines.
	multi := errors.New("a\nb")
	if err := Join(multi); err != multi {
		t.Errorf("Join(multi) = %#v, want multi itself", err)
	}
}

func TestJoinMessage(t *testing.T) {
	for _, tc := range []struct {
		name string
		errs []error
		want string
	}{
		{"two", []error{errors.New("first"), errors.New("second")}, "2 errors: first; second"},
		{"nils dropped", []error{nil, errors.New("first"), nil, errors.New("second"), nil}, "2 errors: first; second"},
		{"three", []error{errors.New("a"), errors.New("b"), errors.New("c")}, "3 errors: a; b; c"},
		{"line breaks", []error{errors.New("a\nb"), errors.New("c\r\n  d\n\n")}, "2 errors: a b; c d"},
		{"std join inside", []error{errors.Join(errors.New("a"), errors.New("b")), errors.New("c")}, "2 errors: a b; c"},
		{"flattened", []error{Join(errors.New("a"), errors.New("b")), errors.New("c")}, "3 errors: a; b; c"},
		{"wrapped not flattened", []error{fmt.Errorf("x: %w", Join(errors.New("a"), errors.New("b"))), errors.New("c")}, "2 errors: x: 2 errors: a; b; c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Join(tc.errs...)
			if err == nil {
				t.Fatal("Join = nil")
			}
			got := err.Error()
			if got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("Error() = %q: not one line", got)
			}
		})
	}
}

func TestJoinIsAs(t *testing.T) {
	pe := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	err := Join(io.EOF, nil, fmt.Errorf("reading: %w", pe))
	if !errors.Is(err, io.EOF) {
		t.Error("errors.Is(err, io.EOF) = false")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is(err, fs.ErrNotExist) = false: not seen through a wrapped error")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("errors.Is(err, io.ErrUnexpectedEOF) = true")
	}
	var got *fs.PathError
	if !errors.As(err, &got) || got != pe {
		t.Errorf("errors.As(err, *fs.PathError) = %v, want %v", got, pe)
	}

	// Through a nested join and a wrapped one.
	outer := fmt.Errorf("outer: %w", Join(errors.New("x"), err))
	if !errors.Is(outer, io.EOF) || !errors.As(outer, &got) {
		t.Error("errors.Is/As do not look through a wrapped, flattened join")
	}
}

func TestJoinUnwrap(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	err := Join(a, nil, Join(b, c))
	u, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("%T has no Unwrap() []error", err)
	}
	got := u.Unwrap()
	if len(got) != 3 || got[0] != a || got[1] != b || got[2] != c {
		t.Errorf("Unwrap() = %v, want [a b c]", got)
	}
}

func TestJoinDoesNotAliasArgs(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	args := []error{a, b}
	err := Join(args...)
	args[0] = errors.New("changed")
	if got := err.Error(); got != "2 errors: a; b" {
		t.Errorf("after changing the argument slice, Error() = %q", got)
	}
}
