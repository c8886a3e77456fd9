module example.com/fixcheck/range-never-closed-wait

go 1.22
