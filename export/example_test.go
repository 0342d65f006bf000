package export_test

import (
	"context"
	"fmt"
	"log"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/export"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// Export a Client over a Tor exit list as an MMDB and a CSV.
func ExampleBuild() {
	tor, err := feed.Open(filepath.Join("..", "source", "feed", "testdata", "exit-addresses"),
		feed.Spec{Name: "tor-exits", Kind: source.Tor, Provider: "Tor Project", Confidence: 100})
	if err != nil {
		log.Fatal(err)
	}
	c, err := ipintel.New(ipintel.WithSources(tor))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	tab, err := export.Build(context.Background(), c)
	if err != nil {
		log.Fatal(err)
	}
	e, _ := tab.Lookup(netip.MustParseAddr("185.241.208.232"))
	fmt.Println(tab.Len(), "ranges; 185.241.208.232:", e.IsTor, e.Provider, e.RiskLevel)

	dir, err := os.MkdirTemp("", "export")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := tab.WriteFile(context.Background(), filepath.Join(dir, "tor.mmdb"), export.MMDB(export.AnonymousIP), nil); err != nil {
		log.Fatal(err)
	}
	var csv strings.Builder
	if _, err := tab.WriteCSV(&csv); err != nil {
		log.Fatal(err)
	}
	fmt.Print(strings.SplitAfterN(csv.String(), "\n", 3)[1])
	// Output:
	// 2 ranges; 185.241.208.232: true Tor Project critical
	// 185.241.208.232/32,,,,,,1,0,0,0,1,0,0,0,0,Tor Project,100,,90
}
