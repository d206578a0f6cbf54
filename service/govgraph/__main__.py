from govgraph.cli import main

raise SystemExit(main())
