module example.com/fixcheck/lost-cancel

go 1.22
