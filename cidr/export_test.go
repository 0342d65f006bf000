package cidr

// SetDirectGroups lowers the group count above which bart values index
// matches, so tests can cover that path; it returns the old value.
func SetDirectGroups(n int) int {
	old := directGroups
	directGroups = n
	return old
}
