package builtin

// Option configures [Open].
type Option func(*config)

// config collects the options. The default path (no options) answers from
// the compiled-in snapshot and never touches the network; options that
// fetch fresher data add fields here.
type config struct {
	live liveConfig // see WithLive
}
