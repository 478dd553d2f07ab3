"""The leaders' dashboard (看板): signed links and the view models its pages show."""
