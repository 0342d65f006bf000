package realdata

import (
	"os"
	"testing"
)

func TestPathFindsSharedData(t *testing.T) {
	p := Path(t, "SOURCES.md")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Path returned %q which does not exist: %v", p, err)
	}
}
