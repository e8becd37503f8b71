"""What the tests share, each module one kind of helper; a test module imports from here,
never from another test module.

- `files`: the repository's paths, the published reports' figures, small inspections made to order.
- `cli`: the real command line, run as a user runs it, each run forked from `zygote`, a process
  that has started Python and imported the core already.
- `sessions`: a session on a sample, in memory.
- `app`: the app driven through Textual's pilot (open, move to a cell or a panel row).
- `screen`: what the pilot shows and notifies, and waiting, bounded, for it to change.
- `terminal`: the real app in tmux or a pseudo-terminal, and the colours it is drawn in.
- `log`: the moderation log's invariant.
- `merging`: two branches of a small inspection, merged by git's driver with conflicts left.
- `ratings`: the rules checked against themselves.
"""
