enum _PlaceholderBeckonServer {}
