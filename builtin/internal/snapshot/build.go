package snapshot

import (
	"cmp"
	"fmt"
	"slices"
)

// Input is the upstream data for [Build]: ranges parsed by
// [ParseCountryCSV] into Countries and by [ParseASNCSV] into Networks.
type Input struct {
	Countries          *Dict[string]
	Networks           *Dict[Network]
	Country4, Country6 []Range
	ASN4, ASN6         []Range
}

// Build merges the country and AS ranges of each family into one step
// function and numbers everything in a canonical order, so the same input
// always gives the same Snapshot (and the same encoded bytes). Ranges in
// the special-purpose blocks no registry allocates (private, loopback,
// documentation, multicast…) are dropped whatever upstream says.
func Build(in Input) (*Snapshot, error) {
	r4, r6 := reserved()
	in.Country4, in.ASN4 = withoutReserved(in.Country4, r4), withoutReserved(in.ASN4, r4)
	in.Country6, in.ASN6 = withoutReserved(in.Country6, r6), withoutReserved(in.ASN6, r6)
	countries, ccMap := sorted(in.Countries.Values, cmp.Compare[string])
	if len(countries) > 1<<16 {
		return nil, fmt.Errorf("%w: %d countries", ErrBadInput, len(countries))
	}
	networks, netMap := sorted(in.Networks.Values, func(a, b Network) int {
		return cmp.Or(cmp.Compare(a.ASN, b.ASN), cmp.Compare(a.Org, b.Org))
	})
	const max4 = 1<<32 - 1
	s4 := merge(steps(in.Country4, ccMap, U128{Lo: max4}), steps(in.ASN4, netMap, U128{Lo: max4}))
	s6 := merge(steps(in.Country6, ccMap, U128{Hi: ^uint64(0), Lo: ^uint64(0)}), steps(in.ASN6, netMap, U128{Hi: ^uint64(0), Lo: ^uint64(0)}))

	// Number combos by how many steps use them, most used first, so the
	// common ones have short varints.
	uses := map[Combo]int{}
	for _, s := range append(slices.Clip(s4), s6...) {
		uses[s.combo]++
	}
	delete(uses, Combo{})
	combos := []Combo{{}}
	for c := range uses {
		combos = append(combos, c)
	}
	slices.SortFunc(combos[1:], func(a, b Combo) int {
		return cmp.Or(cmp.Compare(uses[b], uses[a]), cmp.Compare(a.Country, b.Country), cmp.Compare(a.Network, b.Network))
	})
	comboIndex := make(map[Combo]uint32, len(combos))
	for i, c := range combos {
		comboIndex[c] = uint32(i)
	}
	snap := &Snapshot{Countries: countries, Networks: networks, Combos: combos}
	for _, s := range s4 {
		snap.Starts4 = append(snap.Starts4, uint32(s.start.Lo))
		snap.Vals4 = append(snap.Vals4, comboIndex[s.combo])
	}
	for _, s := range s6 {
		snap.Starts6 = append(snap.Starts6, s.start)
		snap.Vals6 = append(snap.Vals6, comboIndex[s.combo])
	}
	return snap, nil
}

// sorted returns vals[1:] sorted (vals[0], "none", stays first) and the map
// from old index to new.
func sorted[T any](vals []T, compare func(a, b T) int) ([]T, []int) {
	order := make([]int, len(vals)-1)
	for i := range order {
		order[i] = i + 1
	}
	slices.SortFunc(order, func(a, b int) int { return compare(vals[a], vals[b]) })
	out := []T{vals[0]}
	remap := make([]int, len(vals))
	for _, old := range order {
		remap[old] = len(out)
		out = append(out, vals[old])
	}
	return out, remap
}

type step struct {
	start U128
	value int
}

// steps turns sorted, disjoint ranges into a step function starting at 0,
// with value 0 in the gaps.
func steps(rs []Range, remap []int, last U128) []step {
	out := []step{{}}
	add := func(at U128, v int) {
		if n := len(out); out[n-1].start == at {
			out[n-1].value = v
		} else if out[n-1].value != v {
			out = append(out, step{at, v})
		}
	}
	for _, r := range rs {
		add(r.Start, remap[r.Value])
		next, overflow := r.End.next()
		if overflow || last.Less(next) {
			break
		}
		add(next, 0)
	}
	return out
}

type comboStep struct {
	start U128
	combo Combo
}

// merge overlays two step functions that both start at 0.
func merge(cc, nets []step) []comboStep {
	var out []comboStep
	i, j := 0, 0
	at := U128{}
	for {
		c := Combo{Country: uint16(cc[i].value), Network: uint32(nets[j].value)}
		if n := len(out); n == 0 || out[n-1].combo != c {
			out = append(out, comboStep{at, c})
		}
		hasI, hasJ := i+1 < len(cc), j+1 < len(nets)
		switch {
		case hasI && (!hasJ || cc[i+1].start.Less(nets[j+1].start)):
			i++
			at = cc[i].start
		case hasJ && (!hasI || nets[j+1].start.Less(cc[i+1].start)):
			j++
			at = nets[j].start
		case hasI && hasJ: // both step at the same address
			i++
			j++
			at = cc[i].start
		default:
			return out
		}
	}
}
