module example.com/fixcheck/loop-without-exit-ticker

go 1.22
