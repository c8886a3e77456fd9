module example.com/fixcheck/range-never-closed

go 1.22
