//! A generator of large Go files shaped like real service code, for benchmarks
//! and the incremental-analysis soundness test.
//!
//! Real files are not a list of independent five-line functions with unique
//! names: methods of a few struct types share their fields, functions reuse the
//! same local names (`ctx`, `out`, `wg`, `in`, `v`, `err`), goroutines loop over
//! `select`s with stop channels and tickers, and some of them leak. Each
//! component below is a store type with a constructor, `Start`/`run`/`Stop`, a
//! fan-out fetch with a WaitGroup, a pipeline stage, a poller and, every few
//! components, one of the leaks the rules find.

/// A file of about `lines` lines in package `service`, and the 0-based line of
/// a statement inside a goroutine body near its middle (where a benchmark types).
pub fn service_file(lines: usize) -> (String, u32) {
    let mut text = String::from(
        "package service\n\nimport (\n\t\"context\"\n\t\"errors\"\n\t\"sync\"\n\t\"time\"\n)\n\nvar errNotFound = errors.New(\"not found\")\n\n",
    );
    let mut target = None;
    let mut i = 0;
    while text.lines().count() < lines {
        let before = text.lines().count();
        text.push_str(&component(i));
        if target.is_none() && text.lines().count() >= lines / 2 {
            // The `v, err := s.lookup(ctx, k)` inside Fetch's goroutine.
            let at = text.lines().skip(before).position(|l| l.contains("v, err := s.lookup(ctx, k)"));
            target = at.map(|at| (before + at) as u32);
        }
        i += 1;
    }
    (text, target.expect("the middle component has a Fetch goroutine"))
}

fn component(i: usize) -> String {
    let mut out = format!(
        r#"// Store{i} keeps counters fed by its updates channel until Stop.
type Store{i} struct {{
	mu      sync.Mutex
	items   map[string]int
	updates chan int
	done    chan struct{{}}
	wg      sync.WaitGroup
}}

func NewStore{i}() *Store{i} {{
	return &Store{i}{{items: map[string]int{{}}, updates: make(chan int), done: make(chan struct{{}})}}
}}

func (s *Store{i}) Start(ctx context.Context) {{
	s.wg.Add(1)
	go s.run(ctx)
}}

func (s *Store{i}) run(ctx context.Context) {{
	defer s.wg.Done()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {{
		select {{
		case <-ctx.Done():
			return
		case <-s.done:
			return
		case v := <-s.updates:
			s.mu.Lock()
			s.items["total"] += v
			s.mu.Unlock()
		case <-ticker.C:
			if err := s.flush(ctx); err != nil {{
				return
			}}
		}}
	}}
}}

func (s *Store{i}) Update(ctx context.Context, v int) error {{
	select {{
	case s.updates <- v:
		return nil
	case <-s.done:
		return errors.New("stopped")
	case <-ctx.Done():
		return ctx.Err()
	}}
}}

func (s *Store{i}) Stop() {{
	close(s.done)
	s.wg.Wait()
}}

func (s *Store{i}) flush(ctx context.Context) error {{
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {{
		return err
	}}
	s.items = map[string]int{{}}
	return nil
}}

func (s *Store{i}) lookup(ctx context.Context, k string) (int, error) {{
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.items[k]
	if !ok {{
		return 0, errNotFound
	}}
	return v, ctx.Err()
}}

func (s *Store{i}) Fetch(ctx context.Context, keys []string) []int {{
	out := make(chan int)
	var wg sync.WaitGroup
	for _, k := range keys {{
		wg.Add(1)
		go func(k string) {{
			defer wg.Done()
			v, err := s.lookup(ctx, k)
			if err != nil {{
				return
			}}
			select {{
			case out <- v:
			case <-ctx.Done():
			}}
		}}(k)
	}}
	go func() {{
		wg.Wait()
		close(out)
	}}()
	var res []int
	for v := range out {{
		res = append(res, v)
	}}
	return res
}}

func double{i}(ctx context.Context, in <-chan int) <-chan int {{
	out := make(chan int)
	go func() {{
		defer close(out)
		for v := range in {{
			select {{
			case out <- v * 2:
			case <-ctx.Done():
				return
			}}
		}}
	}}()
	return out
}}

func poll{i}(ctx context.Context, s *Store{i}, every time.Duration) {{
	t := time.NewTicker(every)
	defer t.Stop()
	for {{
		select {{
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.lookup(ctx, "health"); err != nil {{
				continue
			}}
		}}
	}}
}}

"#
    );
    // One component in four has a leak of the kinds the rules find.
    match i % 8 {
        1 => out.push_str(&format!(
            r#"// First returns the first key found; the other lookups block on out forever.
func (s *Store{i}) First(ctx context.Context, keys []string) (int, error) {{
	out := make(chan int)
	for _, k := range keys {{
		go func(k string) {{
			v, _ := s.lookup(ctx, k)
			out <- v
		}}(k)
	}}
	select {{
	case v := <-out:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}}
}}

"#
        )),
        3 => out.push_str(&format!(
            r#"func (s *Store{i}) Sample(ctx context.Context) []int {{
	ticker := time.NewTicker(time.Millisecond)
	var res []int
	for len(res) < 3 {{
		<-ticker.C
		v, _ := s.lookup(ctx, "sample")
		res = append(res, v)
	}}
	return res
}}

"#
        )),
        5 => out.push_str(&format!(
            r#"func (s *Store{i}) Wait(ctx context.Context, n int) error {{
	var wg sync.WaitGroup
	for j := 0; j < n; j++ {{
		wg.Add(1)
		go func() {{
			if _, err := s.lookup(ctx, "job"); err != nil {{
				return
			}}
			wg.Done()
		}}()
	}}
	wg.Wait()
	return nil
}}

"#
        )),
        7 => out.push_str(&format!(
            r#"func (s *Store{i}) Drain(ctx context.Context) {{
	in := make(chan int)
	go func() {{
		for v := range in {{
			_ = s.Update(ctx, v)
		}}
	}}()
	in <- 1
	in <- 2
}}

"#
        )),
        _ => {}
    }
    out
}
