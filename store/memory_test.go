package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ipintel/ipintel/store"
	"github.com/ipintel/ipintel/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return store.NewMemory() })
}

func BenchmarkMemory(b *testing.B) {
	m := store.NewMemory()
	ctx := context.Background()
	if err := m.Set(ctx, "k", []byte("value"), time.Hour); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, _ := m.Get(ctx, "k"); !ok {
			b.Fatal("miss")
		}
	}
}

func ExampleNewMemory() {
	st := store.NewMemory()
	ctx := context.Background()
	won, _ := st.Claim(ctx, "lookup:1.2.3.4:claim", time.Second)
	again, _ := st.Claim(ctx, "lookup:1.2.3.4:claim", time.Second)
	_ = st.Set(ctx, "lookup:1.2.3.4", []byte("answer"), time.Minute)
	v, ok, _ := st.Get(ctx, "lookup:1.2.3.4")
	fmt.Println(won, again, string(v), ok)
	// Output: true false answer true
}
