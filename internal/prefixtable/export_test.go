package prefixtable

// SetDirectGroups lowers the group count above which bart values index
// matches, so tests can cover that path; it returns the old value.
func SetDirectGroups(n int) int {
	old := directGroups
	directGroups = n
	return old
}

// SetTestWalked installs a hook receiving how many inherited values each
// build listed; it returns a func that removes it.
func SetTestWalked(f func(int)) (restore func()) {
	testWalked = f
	return func() { testWalked = nil }
}
