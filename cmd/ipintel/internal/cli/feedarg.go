package cli

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/source/feed"
)

// feedArg is one parsed -feed argument.
type feedArg struct {
	spec   feed.Spec
	target string // a path or an http(s) URL
}

// parseFeedArg parses [kind[:Provider][@confidence]=]PATH-or-URL.
//
// What the argument leaves out comes from the catalog: a target that is a
// catalog feed's URL takes that feed's whole spec (name, kind, provider,
// format, confidence); otherwise the confidence is the catalog's for the
// kind (tor 100, hosting 95, vpn 75…), or feed.DefaultConfidence for a
// kind the catalog lacks. The default kind is abuse.
func parseFeedArg(arg string) (feedArg, error) {
	fa := feedArg{target: arg}
	var kind, provider, conf string
	explicit := false
	if k, rest, ok := strings.Cut(arg, "="); ok && !strings.Contains(k, "/") {
		explicit, fa.target = true, rest
		if i := strings.LastIndex(k, "@"); i >= 0 {
			k, conf = k[:i], k[i+1:]
		}
		kind, provider, _ = strings.Cut(k, ":")
	}
	if strings.TrimSpace(fa.target) == "" {
		return fa, fmt.Errorf("-feed %q: no path or URL", arg)
	}
	if p, ok := catalogByURL(fa.target); ok {
		fa.spec = p.Spec
	} else {
		fa.spec = feed.Spec{Kind: source.Abuse}
	}
	if explicit && kind != "" {
		k, err := source.ParseKind(kind)
		if err != nil {
			return fa, fmt.Errorf("-feed %q: %w", arg, err)
		}
		if k != fa.spec.Kind {
			fa.spec.Kind, fa.spec.Confidence, fa.spec.Category = k, 0, ""
		}
	}
	if provider != "" {
		fa.spec.Provider = provider
	}
	if conf != "" {
		n, err := strconv.Atoi(conf)
		if err != nil || n < 1 || n > 100 {
			return fa, fmt.Errorf("-feed %q: confidence %q: want a number from 1 to 100", arg, conf)
		}
		fa.spec.Confidence = n
	}
	if fa.spec.Confidence == 0 {
		fa.spec.Confidence = catalogConfidence(fa.spec.Kind)
	}
	return fa, nil
}

func catalogByURL(target string) (feed.Preset, bool) {
	for _, p := range feed.Catalog() {
		if p.URL != "" && p.URL == target {
			return p, true
		}
	}
	return feed.Preset{}, false
}

// catalogConfidence is the confidence the catalog gives feeds of kind k:
// the first such preset's.
func catalogConfidence(k source.Kind) int {
	for _, p := range feed.Catalog() {
		if p.Spec.Kind == k && p.Spec.Confidence > 0 {
			return p.Spec.Confidence
		}
	}
	return feed.DefaultConfidence
}

// uniqueFeedNames names the feeds uniquely: a catalog feed keeps its name, a
// file or URL is named after its base name without extension; two that
// share a base name take their parent directory too ("vpn-ipv4",
// "datacenter-ipv4"), and any still equal a number.
func uniqueFeedNames(args []feedArg) {
	base := func(a feedArg, parents int) string {
		if a.spec.Name != "" && parents == 0 {
			return a.spec.Name
		}
		p := a.target
		if i := strings.Index(p, "://"); i >= 0 {
			p = p[i+3:]
			if j := strings.IndexAny(p, "?#"); j >= 0 {
				p = p[:j]
			}
		}
		p = strings.ReplaceAll(p, "\\", "/")
		p = strings.TrimRight(p, "/")
		name := strings.TrimSuffix(path.Base(p), path.Ext(p))
		if parents > 0 {
			if dir := path.Base(path.Dir(p)); dir != "." && dir != "/" && dir != "" {
				name = dir + "-" + name
			}
		}
		if name == "" || name == "." || name == "/" {
			return "feed"
		}
		return name
	}
	count := map[string]int{}
	for _, a := range args {
		count[base(a, 0)]++
	}
	used := map[string]bool{}
	for i := range args {
		name := base(args[i], 0)
		if count[name] > 1 {
			name = base(args[i], 1)
		}
		for n := 2; used[name]; n++ {
			name = base(args[i], 1) + "-" + strconv.Itoa(n)
		}
		used[name] = true
		args[i].spec.Name = name
	}
}
