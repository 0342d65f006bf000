package ipintel

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/ipintel/ipintel/source"
)

// Scorer turns the evidence in a merged Result (its Signals, Geo, Network)
// into a Risk. Score is called once per lookup with the Result's Risk still
// zero; it must not keep r or change anything but what it returns. It must
// be safe for concurrent use.
type Scorer interface {
	Score(r *Result) Risk
}

// WeightedScorer is the default Scorer. It is deterministic:
//
//   - The strongest signal of each kind contributes p = weight × confidence/100.
//     The default weights, the risk a certain signal of the kind carries on
//     its own, are Tor 0.90, Abuse 0.85, ResidentialProxy 0.80, Proxy 0.75,
//     VPN 0.65, Bot 0.60, ProviderRisk 0.50, Hosting 0.45, Relay 0.10 and
//     Monitoring 0.05; [WithKindWeight] changes one.
//   - Contributions combine by noisy-OR, risk = 1 − Π(1 − p), so two weak
//     signals raise the risk less than one certain one, and no number of
//     signals passes 100. Score is risk × 100, rounded.
//   - Each contribution becomes a [Reason] whose Points are its share of
//     Score, proportional to −ln(1 − p) (its share of the combined odds), so
//     the Points add up to Score exactly.
//   - Level and Recommendation come from bands of Score (see
//     [WithLevelBands] and [WithThresholds]). An identified monitoring probe
//     is recommended allow unless its score reaches the block threshold:
//     synthetic traffic from a known monitor is expected, not fraud.
//
// A WeightedScorer is immutable and safe for concurrent use.
type WeightedScorer struct {
	weights                [kindSlots]float64
	medium, high, critical int
	verify, block          int
}

// kindSlots bounds the kinds a WeightedScorer tracks; TestKindSlots keeps it
// above source's kinds.
const kindSlots = 16

// Default bands of the WeightedScorer.
const (
	DefaultMediumAt   = 25 // Score ≥ 25: medium
	DefaultHighAt     = 50 // Score ≥ 50: high
	DefaultCriticalAt = 85 // Score ≥ 85: critical
	DefaultVerifyAt   = 50 // Score ≥ 50: verify
	DefaultBlockAt    = 85 // Score ≥ 85: block
)

// defaultWeights are the WeightedScorer's weight per kind of signal: the
// risk a certain (confidence 100) signal of that kind carries on its own
// (listed in WeightedScorer's documentation).
// With the default bands a certain Tor exit alone is critical and blocked,
// a VPN or public proxy is high and verified, a hosting range is medium
// and allowed, and a private relay or a monitoring probe is low.
var defaultWeights = map[source.Kind]float64{
	source.Tor:              0.90,
	source.Abuse:            0.85,
	source.ResidentialProxy: 0.80,
	source.Proxy:            0.75,
	source.VPN:              0.65,
	source.Bot:              0.60,
	source.ProviderRisk:     0.50,
	source.Hosting:          0.45,
	source.Relay:            0.10,
	source.Monitoring:       0.05,
}

// reasonInfo is the stable code and the description of each kind.
var reasonInfo = [kindSlots]struct{ code, description string }{
	source.Tor:              {"TOR_EXIT", "Tor exit node"},
	source.VPN:              {"VPN", "VPN exit"},
	source.Proxy:            {"PUBLIC_PROXY", "public or open proxy"},
	source.ResidentialProxy: {"RESIDENTIAL_PROXY", "residential proxy exit"},
	source.Hosting:          {"HOSTING", "hosting, cloud or datacenter range"},
	source.Relay:            {"PRIVATE_RELAY", "privacy relay egress such as iCloud Private Relay"},
	source.Monitoring:       {"MONITORING", "uptime-monitoring or scanning probe"},
	source.Abuse:            {"ABUSE", "reported for attacks, spam or fraud"},
	source.Bot:              {"BOT", "automated traffic: crawler or bot"},
	source.ProviderRisk:     {"PROVIDER_RISK", "a hosted provider's own risk verdict"},
}

// ScorerOption configures a WeightedScorer in [NewWeightedScorer].
type ScorerOption func(*WeightedScorer) error

// WithKindWeight sets the weight of one kind of signal, in [0, 1]. Zero
// makes the kind count for nothing (it is still listed as a Reason with no
// points).
func WithKindWeight(k source.Kind, w float64) ScorerOption {
	return func(s *WeightedScorer) error {
		if !k.Valid() || int(k) >= kindSlots {
			return fmt.Errorf("ipintel: %w: WithKindWeight: unknown kind %v", ErrInvalidOption, k)
		}
		if !(w >= 0 && w <= 1) {
			return fmt.Errorf("ipintel: %w: WithKindWeight(%v, %v): weight must be in [0, 1]", ErrInvalidOption, k, w)
		}
		s.weights[k] = w
		return nil
	}
}

// WithLevelBands sets the scores at which Level becomes medium, high and
// critical: 0 < medium < high < critical ≤ 100.
func WithLevelBands(medium, high, critical int) ScorerOption {
	return func(s *WeightedScorer) error {
		if !(0 < medium && medium < high && high < critical && critical <= 100) {
			return fmt.Errorf("ipintel: %w: WithLevelBands(%d, %d, %d): need 0 < medium < high < critical ≤ 100", ErrInvalidOption, medium, high, critical)
		}
		s.medium, s.high, s.critical = medium, high, critical
		return nil
	}
}

// WithThresholds sets the scores at which the recommendation becomes verify
// and block: 0 < verify ≤ block ≤ 101 (101 never blocks).
func WithThresholds(verify, block int) ScorerOption {
	return func(s *WeightedScorer) error {
		if !(0 < verify && verify <= block && block <= 101) {
			return fmt.Errorf("ipintel: %w: WithThresholds(%d, %d): need 0 < verify ≤ block ≤ 101", ErrInvalidOption, verify, block)
		}
		s.verify, s.block = verify, block
		return nil
	}
}

// NewWeightedScorer returns a WeightedScorer with the defaults changed by
// opts.
func NewWeightedScorer(opts ...ScorerOption) (*WeightedScorer, error) {
	s := &WeightedScorer{
		medium: DefaultMediumAt, high: DefaultHighAt, critical: DefaultCriticalAt,
		verify: DefaultVerifyAt, block: DefaultBlockAt,
	}
	for k, w := range defaultWeights {
		s.weights[k] = w
	}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// defaultScorer is the WeightedScorer with default settings, the one a
// Client uses unless given WithScorer; NewWeightedScorer() returns one
// like it.
var defaultScorer, _ = NewWeightedScorer()

// maxP keeps −ln(1 − p) finite for a certain signal of weight 1.
const maxP = 0.999

// noRisk is the verdict on an address with no signals.
var noRisk = Risk{TrustScore: 100, Level: LevelLow, Recommendation: Allow, ResidentialTrust: 100}

// Score implements Scorer.
func (s *WeightedScorer) Score(r *Result) Risk { return s.score(r, nil) }

// score is Score writing the reasons into buf's storage when it is large
// enough (the Client passes the storage of the Result's previous reasons).
func (s *WeightedScorer) score(r *Result, buf []Reason) Risk {
	if len(r.Signals) == 0 {
		risk := noRisk
		risk.Reasons = reuse(buf, 0)
		risk.Level = s.level(0)
		risk.Recommendation = s.recommend(0, 0)
		return risk
	}
	return s.scoreSignals(r, buf)
}

// scoreSignals is Score for a Result with signals. It is a function of its
// own so that the common no-signal answer above does not pay for this
// one's large stack frame.
func (s *WeightedScorer) scoreSignals(r *Result, buf []Reason) Risk {
	// The strongest signal of each kind.
	var best [kindSlots]*source.Signal
	n := 0
	for i := range r.Signals {
		sig := &r.Signals[i]
		k := sig.Kind
		if !k.Valid() || int(k) >= kindSlots {
			continue
		}
		if best[k] == nil {
			n++
		}
		if best[k] == nil || sig.Confidence > best[k].Confidence {
			best[k] = sig
		}
	}
	var conf, p, share [kindSlots]float64
	survive, total := 1.0, 0.0
	for k, sig := range best {
		if sig == nil {
			continue
		}
		conf[k] = float64(min(max(sig.Confidence, 0), 100)) / 100
		p[k] = min(s.weights[k]*conf[k], maxP)
		survive *= 1 - p[k]
		share[k] = -math.Log1p(-p[k])
		total += share[k]
	}
	risk := Risk{Score: int(math.Round((1 - survive) * 100))}
	risk.TrustScore = 100 - risk.Score
	risk.Level = s.level(risk.Score)
	risk.Recommendation = s.recommend(risk.Score, conf[source.Monitoring])

	if n > 0 {
		risk.Reasons = reuse(buf, n)
		for k, sig := range best {
			if sig == nil {
				continue
			}
			risk.Reasons = append(risk.Reasons, Reason{
				Code:        reasonInfo[k].code,
				Kind:        source.Kind(k),
				Description: reasonInfo[k].description,
				Source:      sig.Source,
				Provider:    sig.Provider,
				Confidence:  sig.Confidence,
			})
		}
		if total > 0 {
			apportion(risk.Reasons, share[:], total, risk.Score)
		}
		slices.SortStableFunc(risk.Reasons, func(a, b Reason) int { return cmp.Compare(b.Points, a.Points) })
	}

	c := func(k source.Kind) float64 { return conf[k] }
	risk.FraudProbability = percent(1 - survive)
	risk.VPNConfidence = percent(c(source.VPN))
	risk.DatacenterRisk = percent(c(source.Hosting))
	risk.AbuseProbability = percent(noisyOr(c(source.Abuse), 0.6*c(source.Tor), 0.5*c(source.Proxy),
		0.5*c(source.ResidentialProxy), 0.5*c(source.ProviderRisk)))
	risk.BotProbability = percent(noisyOr(c(source.Bot), 0.9*c(source.Monitoring), 0.4*c(source.Hosting)))
	risk.SyntheticTrafficProbability = percent(noisyOr(0.95*c(source.Monitoring), 0.8*c(source.Bot), 0.3*c(source.Hosting)))
	risk.ResidentialTrust = percent(1 - noisyOr(c(source.Hosting), c(source.VPN), c(source.Proxy), c(source.Tor),
		c(source.ResidentialProxy), c(source.Abuse), 0.2*c(source.Relay)))
	return risk
}

// apportion gives each reason its share of score, proportional to
// share[kind]/total, by largest remainder so the points add up to score.
// Ties go to the lower kind, which keeps it deterministic.
func apportion(reasons []Reason, share []float64, total float64, score int) {
	left := score
	var frac [kindSlots]float64
	for i := range reasons {
		exact := float64(score) * share[reasons[i].Kind] / total
		reasons[i].Points = int(exact)
		frac[i] = exact - float64(reasons[i].Points)
		left -= reasons[i].Points
	}
	for ; left > 0; left-- {
		bi := 0
		for i := range reasons {
			if frac[i] > frac[bi] {
				bi = i
			}
		}
		reasons[bi].Points++
		frac[bi] = -1
	}
}

func (s *WeightedScorer) level(score int) Level {
	switch {
	case score >= s.critical:
		return LevelCritical
	case score >= s.high:
		return LevelHigh
	case score >= s.medium:
		return LevelMedium
	}
	return LevelLow
}

func (s *WeightedScorer) recommend(score int, monitoring float64) Recommendation {
	switch {
	case score >= s.block:
		return Block
	case monitoring >= 0.5:
		return Allow
	case score >= s.verify:
		return Verify
	}
	return Allow
}

func noisyOr(ps ...float64) float64 {
	survive := 1.0
	for _, p := range ps {
		survive *= 1 - min(max(p, 0), 1)
	}
	return 1 - survive
}
