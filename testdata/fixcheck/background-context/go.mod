module example.com/fixcheck/background-context

go 1.22
