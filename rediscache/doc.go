// Package rediscache is a [store.Store] on Redis, for
// remote.WithSharedCache: a fleet of app instances sharing one Redis asks a
// hosted API once per address instead of once per instance. It works with
// any go-redis v9 UniversalClient: a single server, Sentinel, Redis
// Cluster, and Valkey, which speaks the same protocol.
//
// It is its own module so that the ipintel library never requires a Redis
// client.
//
// # Usage
//
//	rdb := redis.NewClient(&redis.Options{
//		Addr:                  "redis:6379",
//		ContextTimeoutEnabled: true, // required: deadlines must bound every call
//	})
//	st, err := rediscache.New(rdb)
//	if err != nil { … }
//	vectra, err := remote.VectraIP(key,
//		remote.WithSharedCache(st),
//		remote.WithKeyPrefix("myapp:"))
//
// Every operation is one pipeline of single-key commands: GET, SET PX, and
// SET NX PX for claims (Redis decides which of concurrent claims wins). No
// multi-key command (MGET, MSET) is used, so nothing fails with CROSSSLOT
// on Redis Cluster, where each node gets its own pipeline of its keys, all
// nodes at once: a batch costs one round trip per node holding some of
// its keys.
//
// Each operation runs under [WithTimeout] (default [DefaultTimeout]) or the
// caller's earlier deadline; remote sources give each a tenth of their own
// timeout. New refuses a client without ContextTimeoutEnabled, since
// go-redis would then ignore those deadlines and a slow Redis would hold
// lookups for the client's ReadTimeout. Values larger than
// [WithMaxValueSize] are refused on write and read as absent.
//
// A failing Redis never fails a lookup: the remote source falls back to its
// local cache and the API, a breaker stops it calling a dead Redis (one
// probe a second), and it uses Redis again once a probe succeeds. Errors
// wrap [source.ErrUnavailable] and go-redis's own error. While Redis is down, go-redis
// itself logs failed dials through its own logger (redis.SetLogger
// replaces it). A key Redis refuses on its own (a value of another type,
// written by someone else; out of memory) fails alone: the operation
// returns the other keys' results with a *[store.PartialError].
//
// # Redis Cluster
//
// The store degrades per node: a failing master's keys fail (a
// *[store.PartialError] names them, and the remote source asks the API for
// those addresses) while the other masters' keys stay shared. Each master
// has its own breaker: after 5 failures in a row its keys fail at once,
// without a round trip, for 1 s; then one operation probes it. While any
// node fails, the store asks go-redis to reload the cluster's slot map
// (at most every 500 ms), so a replica promoted in a dead master's place
// takes its keys within about half a second: go-redis alone reloads only
// after a MOVED or ASK reply, which a dead master never sends, or once a
// minute. [WithLogger] logs a node failing and coming back.
//
// What to set: the client as for one server,
//
//	rdb := redis.NewClusterClient(&redis.ClusterOptions{
//		Addrs:                 []string{"redis-0:6379", "redis-1:6379", "redis-2:6379"},
//		ContextTimeoutEnabled: true, // required, as for any client
//	})
//
// and besides:
//
//   - No hash tag in remote.WithKeyPrefix: "{myapp}:" would put every key
//     on one shard, which then carries the whole fleet and, when it fails,
//     takes all sharing with it. A claim's key already holds a hash tag
//     of its own (its value's key in braces), so that an address's claim
//     and answer live on one shard and fail together.
//   - On the servers, cluster-require-full-coverage no. With yes, Redis's
//     default, every node refuses every command (CLUSTERDOWN) from the
//     moment a dead master is marked failed until its replica is promoted,
//     and the whole fleet asks the API meanwhile: about 1–2 s with
//     cluster-node-timeout 2000, and longer with a longer timeout. A
//     replica is promoted about two node timeouts after its master dies.
//   - On a network where a dead host does not refuse connections, a short
//     DialTimeout (say 1 s) and DialerRetries 1 or 2: go-redis dials up
//     to 5 times per attempt, 100 ms apart, each up to DialTimeout (5 s by
//     default), and its slot-map reload asks the nodes in random order,
//     the dead one included.
//   - Leave ClusterStateReloadInterval, MaxRedirects and the retry
//     settings at their defaults. ReadOnly, RouteByLatency and
//     RouteRandomly are not needed: replicas lag their master, so a
//     process waiting on another's claim would see its answer later.
//
// # Sentinel
//
// redis.NewFailoverClient (ContextTimeoutEnabled: true) is a client of one
// master at a time, which go-redis follows through Sentinel's
// notifications: the store treats it as one server, and the remote
// source's breaker covers it as a whole while a failover runs. Use the
// failover client rather than a plain client of the master's address, and
// keep ReplicaOnly, RouteByLatency and RouteRandomly off: claims and
// writes need the master.
//
// # Thread Safety
//
// The store New returns is safe for concurrent use, as the client is. It
// does not own the client: close the client when done.
//
// # Performance
//
// A shared-cache hit costs one Redis round trip (a GET, or one pipeline per
// node for a batch) and spends no quota: hundreds of times faster than
// asking a hosted API. A failing Redis or node costs a lookup at most one
// store deadline (a tenth of the source's timeout) before its breaker
// opens. Measured figures, the fleet and failover tests among them, are in
// the repository's BENCHMARKS.md.
package rediscache
